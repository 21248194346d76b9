using System.Collections.Frozen;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Views;

/// <summary>
/// A class-based view, as Django's <c>View</c>: declare public <c>Get</c>, <c>Post</c>, <c>Put</c>,
/// <c>Patch</c>, <c>Delete</c>, <c>Head</c>, <c>Options</c> or <c>Trace</c> methods taking the
/// <see cref="HttpRequest"/>, all sync (returning <see cref="HttpResponse"/>) or all async (returning
/// <c>Task&lt;HttpResponse&gt;</c>), and route it with <c>Path("…", View.AsView&lt;MyView&gt;())</c>.
/// A new instance serves each request; route values are in <see cref="Kwargs"/> and <see cref="Args"/>.
/// </summary>
public abstract class View
{
    /// <summary>The methods a view may answer, in the order the Allow header lists them.</summary>
    public static readonly IReadOnlyList<string> DefaultHttpMethodNames = ["get", "post", "put", "patch", "delete", "head", "options", "trace"];

    /// <summary>The methods this view may answer; override to restrict them.</summary>
    protected internal virtual IReadOnlyList<string> HttpMethodNames => DefaultHttpMethodNames;

    /// <summary>The request being served.</summary>
    public HttpRequest Request { get; private set; } = null!;

    /// <summary>The named values the URL route captured.</summary>
    public IReadOnlyDictionary<string, object?> Kwargs { get; private set; } = FrozenDictionary<string, object?>.Empty;

    /// <summary>The positional values the URL route captured.</summary>
    public IReadOnlyList<object?> Args { get; private set; } = [];

    /// <summary>Serves <paramref name="request"/> with these route values (a view that works for another, as UpdateView's finder).</summary>
    internal void Use(HttpRequest request, IReadOnlyDictionary<string, object?> kwargs)
    {
        Request = request;
        Kwargs = kwargs;
    }

    /// <summary>Runs before the handler, with the request; override to prepare state.</summary>
    protected virtual void Setup(HttpRequest request)
    {
    }

    /// <summary>Answers OPTIONS: 200, the Allow header, <c>Content-Length: 0</c> and no body (as django/views/generic/base.py).</summary>
    public virtual HttpResponse Options(HttpRequest request)
    {
        var response = new HttpResponse();
        response.Headers["Allow"] = string.Join(", ", AllowedMethods);
        response.Headers["Content-Length"] = "0";
        return response;
    }

    /// <summary>The methods this view answers, upper-cased, in <see cref="HttpMethodNames"/> order (as django/views/generic/base.py).</summary>
    public IReadOnlyList<string> AllowedMethods => Invoker.AllowedMethods;

    /// <summary>The 405 answer for a method the view does not handle, logged as Django logs it.</summary>
    protected virtual HttpResponse HttpMethodNotAllowed(HttpRequest request)
    {
        Http.RequestLog.MethodNotAllowed(request.RequestLogger, request.Method, request.Path);
        return new HttpResponseNotAllowed(AllowedMethods);
    }

    private ClassViewInvoker Invoker { get; set; } = null!;

    /// <summary>
    /// The view delegate for <typeparamref name="TView"/>: sync when its handlers are sync, async when
    /// they are async (as django/views/generic/base.py); <paramref name="initialize"/> sets up each new instance (Django's
    /// <c>initkwargs</c>). Handlers mixing sync and async are rejected here, at startup (as django/views/generic/base.py).
    /// </summary>
    public static Delegate AsView<TView>(Action<TView>? initialize = null) where TView : View, new()
    {
        var invoker = new ClassViewInvoker(typeof(TView), () =>
        {
            var view = new TView();
            initialize?.Invoke(view);
            return view;
        });
        return invoker.IsAsync
            ? new Func<HttpRequest, ValueTask<HttpResponse>>(invoker.DispatchAsync)
            : new Func<HttpRequest, HttpResponse>(invoker.Dispatch);
    }

    /// <summary>The handlers of one view class, found once by <see cref="AsView{TView}"/>.</summary>
    private sealed class ClassViewInvoker : IClassViewInvoker
    {
        private readonly Func<View> _create;
        private readonly FrozenDictionary<string, Handler> _handlers;

        public ClassViewInvoker(Type viewType, Func<View> create)
        {
            ViewType = viewType;
            _create = create;
            var prototype = create();
            var handlers = new Dictionary<string, Handler>(StringComparer.OrdinalIgnoreCase);
            var sync = new List<string>();
            var async = new List<string>();
            foreach (var name in prototype.HttpMethodNames)
            {
                var method = FindHandler(viewType, name);
                if (method is null) continue;
                var handler = Handler.For(viewType, method);
                handlers[name] = handler;
                // As django/views/generic/base.py does: options does not count towards the class being async.
                if (name == "options") continue;
                (handler.IsAsync ? async : sync).Add(method.Name);
            }
            if (sync.Count > 0 && async.Count > 0)
                throw new ImproperlyConfigured(
                    $"{viewType.FullName} HTTP handlers must either be all sync or all async; " +
                    $"{string.Join(", ", sync)} {(sync.Count == 1 ? "is" : "are")} sync but {string.Join(", ", async)} {(async.Count == 1 ? "is" : "are")} async.");
            IsAsync = async.Count > 0;
            // As django/views/generic/base.py does: head is get when the class has get but no head.
            if (handlers.TryGetValue("get", out var get) && !handlers.ContainsKey("head") && prototype.HttpMethodNames.Contains("head"))
                handlers["head"] = get;
            AllowedMethods = prototype.HttpMethodNames.Where(handlers.ContainsKey).Select(n => n.ToUpperInvariant()).ToArray();
            _handlers = handlers.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        }

        public Type ViewType { get; }

        public bool IsAsync { get; }

        public IReadOnlyList<string> AllowedMethods { get; }

        private static MethodInfo? FindHandler(Type viewType, string name)
        {
            var pascal = char.ToUpperInvariant(name[0]) + name[1..];
            // The most derived declaration wins, so `new Task<HttpResponse> Options(…)` replaces the base one.
            for (var type = viewType; type is not null && type != typeof(object); type = type.BaseType)
            {
                var method = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .FirstOrDefault(m => m.Name == pascal && m.GetParameters().Length == 1);
                if (method is not null) return method;
            }
            return null;
        }

        private View Prepare(HttpRequest request)
        {
            var view = _create();
            view.Invoker = this;
            view.Request = request;
            if (request.ResolverMatch is { } match)
            {
                view.Kwargs = match.Kwargs;
                view.Args = match.Args;
            }
            view.Setup(request);
            return view;
        }

        public HttpResponse Dispatch(HttpRequest request)
        {
            var view = Prepare(request);
            return _handlers.TryGetValue(request.Method, out var handler)
                ? handler.Sync!(view, request)
                : view.HttpMethodNotAllowed(request);
        }

        public ValueTask<HttpResponse> DispatchAsync(HttpRequest request)
        {
            var view = Prepare(request);
            if (!_handlers.TryGetValue(request.Method, out var handler))
                return new ValueTask<HttpResponse>(view.HttpMethodNotAllowed(request)); // as django/views/generic/base.py does
            return handler.IsAsync ? handler.Async!(view, request) : new ValueTask<HttpResponse>(handler.Sync!(view, request));
        }
    }

    /// <summary>One handler method, compiled into a direct call.</summary>
    private sealed class Handler
    {
        public bool IsAsync { get; private init; }
        public Func<View, HttpRequest, HttpResponse>? Sync { get; private init; }
        public Func<View, HttpRequest, ValueTask<HttpResponse>>? Async { get; private init; }

        public static Handler For(Type viewType, MethodInfo method)
        {
            var where = $"{viewType.FullName}.{method.Name}";
            if (method.GetParameters()[0].ParameterType != typeof(HttpRequest))
                throw new ImproperlyConfigured($"The handler {where} must take the HttpRequest as its only parameter.");
            var view = System.Linq.Expressions.Expression.Parameter(typeof(View), "view");
            var request = System.Linq.Expressions.Expression.Parameter(typeof(HttpRequest), "request");
            var call = System.Linq.Expressions.Expression.Call(System.Linq.Expressions.Expression.Convert(view, method.DeclaringType!), method, request);
            var returnType = method.ReturnType;
            if (typeof(HttpResponse).IsAssignableFrom(returnType))
            {
                var lambda = System.Linq.Expressions.Expression.Lambda<Func<View, HttpRequest, HttpResponse>>(
                    System.Linq.Expressions.Expression.Convert(call, typeof(HttpResponse)), view, request);
                var invoke = lambda.Compile();
                foreach (var decorator in Decorators(method)) invoke = Around(decorator, invoke);
                return new Handler { Sync = invoke };
            }
            if (returnType.IsGenericType && typeof(HttpResponse).IsAssignableFrom(returnType.GetGenericArguments()[0])
                && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
            {
                var adapt = typeof(Handler).GetMethod(returnType.GetGenericTypeDefinition() == typeof(Task<>) ? nameof(FromTask) : nameof(FromValueTask),
                    BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(returnType.GetGenericArguments()[0]);
                var lambda = System.Linq.Expressions.Expression.Lambda<Func<View, HttpRequest, ValueTask<HttpResponse>>>(
                    System.Linq.Expressions.Expression.Call(adapt, call), view, request);
                var invokeAsync = lambda.Compile();
                foreach (var decorator in Decorators(method)) invokeAsync = Around(decorator, invokeAsync);
                return new Handler { IsAsync = true, Async = invokeAsync };
            }
            throw new ImproperlyConfigured(
                $"The handler {where} returns {ViewDescriptor.Describe(returnType)}; it must return HttpResponse or Task<HttpResponse> / ValueTask<HttpResponse>.");
        }

        /// <summary>The decorator attributes of a handler method, innermost first (so wrapping in this order leaves the first declared outermost).</summary>
        private static IEnumerable<Decorators.ViewDecoratorAttribute> Decorators(MethodInfo method) =>
            method.GetCustomAttributes<Decorators.ViewDecoratorAttribute>(inherit: true).Reverse();

        private static Func<View, HttpRequest, HttpResponse> Around(Decorators.ViewDecoratorAttribute decorator, Func<View, HttpRequest, HttpResponse> handler) =>
            (view, request) => decorator.RunAfter(request, decorator.Before(request) ?? handler(view, request));

        private static Func<View, HttpRequest, ValueTask<HttpResponse>> Around(Decorators.ViewDecoratorAttribute decorator, Func<View, HttpRequest, ValueTask<HttpResponse>> handler) =>
            async (view, request) => await decorator.RunAfterAsync(request, await decorator.BeforeAsync(request).ConfigureAwait(false) ?? await handler(view, request).ConfigureAwait(false)).ConfigureAwait(false);

        private static ValueTask<HttpResponse> FromTask<T>(Task<T> task) where T : HttpResponse =>
            task.IsCompletedSuccessfully ? new ValueTask<HttpResponse>(task.Result) : AwaitTask(task);

        private static async ValueTask<HttpResponse> AwaitTask<T>(Task<T> task) where T : HttpResponse => await task.ConfigureAwait(false);

        private static ValueTask<HttpResponse> FromValueTask<T>(ValueTask<T> task) where T : HttpResponse =>
            task.IsCompletedSuccessfully ? new ValueTask<HttpResponse>(task.Result) : AwaitValueTask(task);

        private static async ValueTask<HttpResponse> AwaitValueTask<T>(ValueTask<T> task) where T : HttpResponse => await task.ConfigureAwait(false);
    }
}
