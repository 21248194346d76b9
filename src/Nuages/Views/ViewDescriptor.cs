using System.Linq.Expressions;
using System.Reflection;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Views;

/// <summary>
/// What Nuages knows of a view delegate, read once when URL patterns are compiled: its name for
/// error messages, whether it is async (from its return type, as django/core/handlers/base.py does) and its parameters.
/// </summary>
internal sealed class ViewDescriptor
{
    private ViewDescriptor(Delegate view, string name, bool isAsync, Type resultType, ParameterInfo[] parameters, bool isClassView, IReadOnlyList<Decorators.ViewDecoratorAttribute> decorators)
    {
        Decorators = decorators;
        Delegate = view;
        Name = name;
        IsAsync = isAsync;
        ResultType = resultType;
        Parameters = parameters;
        IsClassView = isClassView;
    }

    public Delegate Delegate { get; }

    /// <summary>The delegate as routed, decorators included (what <c>ResolverMatch.Func</c> gives, as Django's <c>match.func</c>).</summary>
    public Delegate Original { get; private init; } = null!;

    /// <summary>The view's decorators, outermost first: those wrapped around the delegate, then its method's attributes.</summary>
    public IReadOnlyList<Decorators.ViewDecoratorAttribute> Decorators { get; }

    /// <summary><c>Namespace.Type.Method</c>, or <c>Namespace.ViewClass.view</c> for a class-based view (as django/core/handlers/base.py).</summary>
    public string Name { get; }

    public bool IsAsync { get; }

    /// <summary>The response type: the declared return type, or the T of <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>.</summary>
    public Type ResultType { get; }

    public ParameterInfo[] Parameters { get; }

    /// <summary>Class-based views read route values from the request, so any route fits them.</summary>
    public bool IsClassView { get; }

    public static ViewDescriptor For(Delegate view)
    {
        var original = view;
        var decorators = new List<Decorators.ViewDecoratorAttribute>();
        while (view.Target is Decorators.DecoratedView decorated)
        {
            decorators.Add(decorated.Decorator);
            view = decorated.Inner;
        }
        decorators.AddRange(view.Method.GetCustomAttributes<Decorators.ViewDecoratorAttribute>(inherit: true));
        var method = view.Method;
        var isClassView = view.Target is IClassViewInvoker;
        var name = view.Target is IClassViewInvoker cv
            ? $"{cv.ViewType.FullName}.view"
            : $"{method.DeclaringType?.FullName}.{method.Name}";
        var returnType = method.ReturnType;
        bool isAsync;
        Type resultType;
        if (returnType.IsGenericType && AsyncResultTypes.Contains(returnType.GetGenericTypeDefinition()))
        {
            isAsync = true;
            resultType = returnType.GetGenericArguments()[0];
        }
        else
        {
            isAsync = false;
            resultType = returnType;
        }
        // A view declared to return object is checked per call (as django/core/handlers/base.py); anything else must be a response.
        if (!(typeof(HttpResponse).IsAssignableFrom(resultType) || resultType == typeof(object)))
            throw new ImproperlyConfigured(
                $"The view {name} returns {Describe(returnType)}; a view must return HttpResponse (sync) or Task<HttpResponse> / ValueTask<HttpResponse> (async).");
        var parameters = method.GetParameters();
        if (parameters.Length == 0 || parameters[0].ParameterType != typeof(Http.HttpRequest))
            throw new ImproperlyConfigured($"The view {name} must take the HttpRequest as its first parameter.");
        return new ViewDescriptor(view, name, isAsync, resultType, parameters, isClassView, decorators) { Original = original };
    }

    /// <summary>The awaitable return types that make a view async: tasks, and the adapters' own (as asgiref/sync.py).</summary>
    private static readonly Type[] AsyncResultTypes = [typeof(Task<>), typeof(ValueTask<>), typeof(Async.AdaptedTask<>), typeof(Async.ContextTask<>)];

    internal static string Describe(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>" : type.Name;

    /// <summary>
    /// Compiles the call for a route whose captures are <paramref name="captureNames"/> (empty names are
    /// positional) with values of <paramref name="captureTypes"/>: each view parameter reads its capture
    /// by name (or position), converted to its type. Every mismatch is an error naming route and view.
    /// </summary>
    public BoundView Bind(string route, IReadOnlyList<string> captureNames, IReadOnlyList<Type> captureTypes)
    {
        var request = Expression.Parameter(typeof(Http.HttpRequest), "request");
        var values = Expression.Parameter(typeof(object?[]), "values");
        var arguments = new Expression[Parameters.Length];
        arguments[0] = request;
        var used = new bool[captureNames.Count];
        var nextPositional = 0;
        var positional = captureNames.Count > 0 && captureNames.All(n => n.Length == 0);
        for (var p = 1; p < Parameters.Length; p++)
        {
            var parameter = Parameters[p];
            if (parameter.ParameterType == typeof(CancellationToken))
            {
                arguments[p] = Expression.Property(request, nameof(Http.HttpRequest.Aborted));
                continue;
            }
            var index = positional
                ? (nextPositional < captureNames.Count ? nextPositional++ : -1)
                : IndexOf(captureNames, parameter.Name!);
            if (index < 0 || IsClassView)
            {
                if (parameter.HasDefaultValue)
                {
                    arguments[p] = Expression.Constant(parameter.DefaultValue, parameter.ParameterType);
                    continue;
                }
                throw new ImproperlyConfigured(
                    $"The view {Name} takes a parameter '{parameter.Name}' that the URL route '{route}' does not capture " +
                    $"(it captures: {(captureNames.Count == 0 ? "nothing" : string.Join(", ", captureNames.Select((n, i) => n.Length > 0 ? n : $"#{i + 1}")))}).");
            }
            used[index] = true;
            arguments[p] = ConvertCapture(Expression.ArrayIndex(values, Expression.Constant(index)), captureTypes[index], parameter, route);
        }
        if (!IsClassView)
        {
            var unused = captureNames.Where((_, i) => !used[i]).Select((n, i) => n.Length > 0 ? n : $"#{i + 1}").ToList();
            if (unused.Count > 0)
                throw new ImproperlyConfigured(
                    $"The URL route '{route}' captures {string.Join(", ", unused.Select(n => $"'{n}'"))} but the view {Name} has no parameter of that name " +
                    $"(its parameters: {string.Join(", ", Parameters.Skip(1).Select(p => $"{Describe(p.ParameterType)} {p.Name}"))}).");
        }
        var call = Expression.Invoke(Expression.Constant(Delegate), arguments);
        if (IsAsync)
        {
            var definition = Delegate.Method.ReturnType.GetGenericTypeDefinition();
            var adapterName = definition == typeof(Task<>) ? nameof(FromTask)
                : definition == typeof(ValueTask<>) ? nameof(FromValueTask)
                : definition == typeof(Async.AdaptedTask<>) ? nameof(FromAdaptedTask)
                : nameof(FromContextTask);
            var adapt = typeof(ViewDescriptor).GetMethod(adapterName, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(ResultType);
            var lambda = Expression.Lambda<Func<Http.HttpRequest, object?[], ValueTask<object?>>>(Expression.Call(adapt, call), request, values);
            var invokeAsync = lambda.Compile();
            for (var i = Decorators.Count - 1; i >= 0; i--) invokeAsync = Around(Decorators[i], invokeAsync);
            return new BoundView(this, null, invokeAsync) { AsyncResponse = Decorators.Count == 0 ? RespondingCall(call, request, values) : null };
        }
        var syncLambda = Expression.Lambda<Func<Http.HttpRequest, object?[], object?>>(Expression.Convert(call, typeof(object)), request, values);
        var invoke = syncLambda.Compile();
        for (var i = Decorators.Count - 1; i >= 0; i--) invoke = Around(Decorators[i], invoke);
        return new BoundView(this, invoke, null);
    }

    /// <summary>
    /// The call of a view declared to return <c>Task&lt;HttpResponse&gt;</c> or <c>ValueTask&lt;HttpResponse&gt;</c> as a
    /// <c>ValueTask&lt;HttpResponse&gt;</c>, which the handler awaits itself: no adapter state machine for a view that waits.
    /// Null for any other declared result (a subclass of HttpResponse, an object), which goes through the adapters.
    /// </summary>
    private static Func<Http.HttpRequest, object?[], ValueTask<Http.HttpResponse>>? RespondingCall(Expression call, ParameterExpression request, ParameterExpression values)
    {
        Expression? responding = call.Type == typeof(ValueTask<Http.HttpResponse>) ? call
            : call.Type == typeof(Task<Http.HttpResponse>) ? Expression.New(typeof(ValueTask<Http.HttpResponse>).GetConstructor([typeof(Task<Http.HttpResponse>)])!, call)
            : null;
        return responding is null ? null : Expression.Lambda<Func<Http.HttpRequest, object?[], ValueTask<Http.HttpResponse>>>(responding, request, values).Compile();
    }

    /// <summary>A sync view inside a decorator: the view keeps its mode (as django/utils/decorators.py).</summary>
    private static Func<Http.HttpRequest, object?[], object?> Around(Decorators.ViewDecoratorAttribute decorator, Func<Http.HttpRequest, object?[], object?> view) =>
        (request, values) =>
        {
            var result = decorator.Before(request) ?? view(request, values);
            return result is Http.HttpResponse response ? decorator.RunAfter(request, response) : result;
        };

    /// <summary>An async view inside a decorator: awaited, then its response patched; completed steps take no state machine.</summary>
    private static Func<Http.HttpRequest, object?[], ValueTask<object?>> Around(Decorators.ViewDecoratorAttribute decorator, Func<Http.HttpRequest, object?[], ValueTask<object?>> view) =>
        (request, values) =>
        {
            var before = decorator.BeforeAsync(request);
            if (!before.IsCompletedSuccessfully) return AroundAsync(decorator, view, request, values, before);
            if (before.Result is { } early) return After(decorator, request, early);
            var pending = view(request, values);
            return pending.IsCompletedSuccessfully ? After(decorator, request, pending.Result) : AfterAsync(decorator, request, pending);
        };

    private static async ValueTask<object?> AroundAsync(Decorators.ViewDecoratorAttribute decorator, Func<Http.HttpRequest, object?[], ValueTask<object?>> view,
        Http.HttpRequest request, object?[] values, ValueTask<Http.HttpResponse?> before)
    {
        if (await before.ConfigureAwait(false) is { } early) return await After(decorator, request, early).ConfigureAwait(false);
        return await After(decorator, request, await view(request, values).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static ValueTask<object?> After(Decorators.ViewDecoratorAttribute decorator, Http.HttpRequest request, object? result)
    {
        if (result is not Http.HttpResponse response) return new ValueTask<object?>(result);
        var patched = decorator.RunAfterAsync(request, response);
        return patched.IsCompletedSuccessfully ? new ValueTask<object?>(patched.Result) : Boxed(patched);
    }

    private static async ValueTask<object?> Boxed(ValueTask<Http.HttpResponse> pending) => await pending.ConfigureAwait(false);

    private static async ValueTask<object?> AfterAsync(Decorators.ViewDecoratorAttribute decorator, Http.HttpRequest request, ValueTask<object?> pending) =>
        await After(decorator, request, await pending.ConfigureAwait(false)).ConfigureAwait(false);

    private Expression ConvertCapture(Expression boxed, Type valueType, ParameterInfo parameter, string route)
    {
        var target = parameter.ParameterType;
        if (target == typeof(object)) return boxed;
        try
        {
            Expression typed = valueType.IsValueType ? Expression.Unbox(boxed, valueType) : Expression.Convert(boxed, valueType);
            return valueType == target ? typed : Expression.Convert(typed, target);
        }
        catch (InvalidOperationException)
        {
            throw new ImproperlyConfigured(
                $"The URL route '{route}' captures '{parameter.Name}' as {Describe(valueType)}, which cannot be passed to the parameter " +
                $"{Describe(target)} {parameter.Name} of the view {Name}.");
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }

    private static ValueTask<object?> FromTask<T>(Task<T> task) =>
        task.IsCompletedSuccessfully ? new ValueTask<object?>(task.Result) : AwaitTask(task);

    private static async ValueTask<object?> AwaitTask<T>(Task<T> task) => await task.ConfigureAwait(false);

    private static ValueTask<object?> FromValueTask<T>(ValueTask<T> task) =>
        task.IsCompletedSuccessfully ? new ValueTask<object?>(task.Result) : AwaitValueTask(task);

    private static async ValueTask<object?> AwaitValueTask<T>(ValueTask<T> task) => await task.ConfigureAwait(false);

    private static async ValueTask<object?> FromAdaptedTask<T>(Async.AdaptedTask<T> task) => await task;

    private static ValueTask<object?> FromContextTask<T>(Async.ContextTask<T> task) => FromTask(task.AsTask());
}

/// <summary>A view compiled for one route: call it with the request and the route's captured values.</summary>
internal sealed class BoundView(ViewDescriptor descriptor, Func<Http.HttpRequest, object?[], object?>? sync, Func<Http.HttpRequest, object?[], ValueTask<object?>>? async)
{
    public ViewDescriptor Descriptor { get; } = descriptor;

    /// <summary>Set for sync views.</summary>
    public Func<Http.HttpRequest, object?[], object?>? Sync { get; } = sync;

    /// <summary>Set for async views.</summary>
    public Func<Http.HttpRequest, object?[], ValueTask<object?>>? Async { get; } = async;

    /// <summary>Also set for an undecorated async view declared to return a task of <see cref="Http.HttpResponse"/>: the same call, typed.</summary>
    public Func<Http.HttpRequest, object?[], ValueTask<Http.HttpResponse>>? AsyncResponse { get; init; }
}

/// <summary>Marks the delegate target that <see cref="View.AsView{TView}"/> builds, so the view is named after its class.</summary>
internal interface IClassViewInvoker
{
    Type ViewType { get; }
}
