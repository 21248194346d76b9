using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Nuages.Core;

namespace Nuages.Templates;

/// <summary>A value that answers dotted lookups itself (Python's <c>__getitem__</c>), before dictionary, member and index lookups.</summary>
public interface ITemplateLookup
{
    /// <summary>The value for <paramref name="name"/>, if there is one.</summary>
    bool TryLookup(string name, out object? value);
}

/// <summary>How one name is read on one type, compiled once (no reflection per render).</summary>
internal sealed class Accessor(Type type, bool isAsync, Func<object, string, Context, object?> get)
{
    public Type Type { get; } = type;

    public bool Async { get; } = isAsync;

    public Func<object, string, Context, object?> Get { get; } = get;
}

/// <summary>
/// Django's lookup order — dictionary key, then attribute (property, field, or method with no required argument,
/// which is called), then list index — over .NET values. Members answer to their own name and to its snake_case
/// (<c>post.published_at</c> reads <c>PublishedAt</c>; <c>get_absolute_url</c> calls <c>GetAbsoluteUrl()</c>). In an
/// async render a method's <c>…Async</c> twin is preferred and awaited (<c>qs.count</c> awaits <c>CountAsync</c>).
/// </summary>
internal static class Accessors
{
    /// <summary>What a lookup of a method that alters data gives (it renders <c>string_if_invalid</c>).</summary>
    public static readonly object AltersData = new();

    private static readonly ConcurrentDictionary<(Type, string, bool), Accessor> Cache = new();
    private static readonly ConcurrentDictionary<Type, Func<object, ValueTask<object?>>> Awaiters = new();
    private static readonly ConcurrentDictionary<Type, Func<object, CancellationToken, ValueTask<object?>>?> Materializers = new();

    public static Accessor For(Type type, string name, bool isAsync) =>
        Cache.GetOrAdd((type, name, isAsync), static key => new Accessor(key.Item1, key.Item3, Build(key.Item1, key.Item2, key.Item3)));

    /// <summary>Whether <paramref name="value"/> must be awaited, called or unwrapped before use.</summary>
    public static bool NeedsWork(object? value, Context context, bool last) => value switch
    {
        null or string or SafeString or int or long or bool or double or decimal => false,
        Task or IDeferredValue or Lazy<object?> => true,
        Delegate d => d.Method.GetParameters().Length == 0,
        _ => IsValueTask(value.GetType()) || last && context.IsAsync && MaterializerOf(value.GetType()) is not null,
    };

    /// <summary>Awaits, calls and unwraps until the value is a plain one; a last value that is an async sequence is read into a list in an async render.</summary>
    public static async ValueTask<object?> SettleAsync(object? value, Context context, bool last)
    {
        for (var guard = 0; guard < 16; guard++)
        {
            switch (value)
            {
                case null:
                    return null;
                case Task task:
                    var awaited = AwaitAsync(task); // completes at once for a finished task
                    value = awaited.IsCompletedSuccessfully ? awaited.Result
                        : context.IsAsync ? await awaited.ConfigureAwait(false) : Async.AsyncToSync.Run(() => awaited.AsTask());
                    continue;
                case Lazy<object?> lazy:
                    value = lazy.Value;
                    continue;
                case IDeferredValue deferred:
                    value = context.IsAsync ? await deferred.GetDeferredValueAsync(context.CancellationToken).ConfigureAwait(false) : deferred.DeferredValue;
                    continue;
                case Delegate d when d.Method.GetParameters().Length == 0:
                    value = d.DynamicInvoke();
                    continue;
            }
            var type = value.GetType();
            if (IsValueTask(type))
            {
                var pending = AwaitAsync(value);
                value = pending.IsCompletedSuccessfully ? pending.Result
                    : context.IsAsync ? await pending.ConfigureAwait(false) : Async.AsyncToSync.Run(() => pending.AsTask());
                continue;
            }
            if (last && context.IsAsync && value is not string && MaterializerOf(type) is { } materialize)
                return await materialize(value, context.CancellationToken).ConfigureAwait(false);
            return value;
        }
        return value;
    }

    private static bool IsValueTask(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>) || type == typeof(ValueTask);

    /// <summary>The result of a Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;, boxed.</summary>
    public static ValueTask<object?> AwaitAsync(object awaitable) => Awaiters.GetOrAdd(awaitable.GetType(), static type =>
    {
        if (type == typeof(ValueTask)) return static async o => { await ((ValueTask)o).ConfigureAwait(false); return null; };
        if (IsValueTask(type))
            return typeof(Accessors).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type.GetGenericArguments()[0]).CreateDelegate<Func<object, ValueTask<object?>>>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Task<>) && t.GetGenericArguments()[0].Name != "VoidTaskResult")
                return typeof(Accessors).GetMethod(nameof(AwaitTask), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t.GetGenericArguments()[0]).CreateDelegate<Func<object, ValueTask<object?>>>();
        return static async o => { await ((Task)o).ConfigureAwait(false); return null; };
    })(awaitable);

    private static async ValueTask<object?> AwaitTask<T>(object task) => await ((Task<T>)task).ConfigureAwait(false);

    private static async ValueTask<object?> AwaitValueTask<T>(object task) => await ((ValueTask<T>)task).ConfigureAwait(false);

    private static Func<object, CancellationToken, ValueTask<object?>>? MaterializerOf(Type type) => Materializers.GetOrAdd(type, static t =>
    {
        // a QuerySet reads its rows in one async call
        if (typeof(Db.Query.IAsyncRows).IsAssignableFrom(t))
            return static async (o, token) => (await ((Db.Query.IAsyncRows)o).ReadAllAsync(token).ConfigureAwait(false)).Cast<object?>().ToList();
        var element = t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))?.GetGenericArguments()[0];
        return element is null ? null
            : typeof(Accessors).GetMethod(nameof(Materialize), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(element).CreateDelegate<Func<object, CancellationToken, ValueTask<object?>>>();
    });

    private static async ValueTask<object?> Materialize<T>(object sequence, CancellationToken cancellationToken)
    {
        var items = new List<object?>();
        await foreach (var item in ((IAsyncEnumerable<T>)sequence).WithCancellation(cancellationToken).ConfigureAwait(false)) items.Add(item);
        return items;
    }

    /// <summary>Reads every item of a sequence, awaiting an async one in an async render.</summary>
    public static async ValueTask<List<object?>> ListAsync(object? value, Context context)
    {
        switch (value)
        {
            case null: return [];
            case List<object?> list: return list;
            case string s: return [.. s.Select(c => (object?)c.ToString())];
            case SafeString s: return [.. s.Value.Select(c => (object?)c.ToString())];
            case IDictionary d: return [.. d.Keys.Cast<object?>()];
        }
        if (context.IsAsync && MaterializerOf(value.GetType()) is { } materialize)
            return (List<object?>)(await materialize(value, context.CancellationToken).ConfigureAwait(false))!;
        if (value is IEnumerable items) return [.. items.Cast<object?>()];
        throw new InvalidOperationException($"'{TemplateValues.PythonType(value)}' object is not iterable");
    }

    private static Func<object, string, Context, object?> Build(Type type, string name, bool isAsync)
    {
        if (typeof(ITemplateLookup).IsAssignableFrom(type))
        {
            var fallback = BuildAttributeOrIndex(type, name, isAsync);
            return (target, key, context) => ((ITemplateLookup)target).TryLookup(key, out var value) ? value : fallback(target, key, context);
        }
        var dictionary = DictionaryReader(type);
        var attribute = BuildAttributeOrIndex(type, name, isAsync);
        if (dictionary is null) return attribute;
        return (target, key, context) => dictionary(target, key, out var value) ? value : attribute(target, key, context);
    }

    private delegate bool TryRead(object target, string key, out object? value);

    private static TryRead? DictionaryReader(Type type)
    {
        foreach (var i in type.GetInterfaces().Prepend(type))
        {
            if (!i.IsGenericType) continue;
            var definition = i.GetGenericTypeDefinition();
            if ((definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)) && i.GetGenericArguments()[0] == typeof(string))
            {
                var method = typeof(Accessors).GetMethod(definition == typeof(IDictionary<,>) ? nameof(ReadDictionary) : nameof(ReadReadOnlyDictionary), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(i.GetGenericArguments()[1]);
                return method.CreateDelegate<TryRead>();
            }
        }
        if (typeof(IDictionary).IsAssignableFrom(type))
            return static (object target, string key, out object? value) =>
            {
                var d = (IDictionary)target;
                try
                {
                    if (d.Contains(key)) { value = d[key]; return true; }
                }
                catch (ArgumentException) { }
                value = null;
                return false;
            };
        return null;
    }

    private static bool ReadDictionary<TValue>(object target, string key, out object? value)
    {
        var found = ((IDictionary<string, TValue>)target).TryGetValue(key, out var typed);
        value = typed;
        return found;
    }

    private static bool ReadReadOnlyDictionary<TValue>(object target, string key, out object? value)
    {
        var found = ((IReadOnlyDictionary<string, TValue>)target).TryGetValue(key, out var typed);
        value = typed;
        return found;
    }

    private static Func<object, string, Context, object?> BuildAttributeOrIndex(Type type, string name, bool isAsync)
    {
        var member = Member(type, name, isAsync);
        if (member is not null) return member;
        if (typeof(IDictionary).IsAssignableFrom(type) || DictionaryReader(type) is not null)
        {
            switch (name)
            {
                case "items": return static (target, _, _) => Pairs(target).Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList();
                case "keys": return static (target, _, _) => Pairs(target).Select(p => p.Key).ToList();
                case "values": return static (target, _, _) => Pairs(target).Select(p => p.Value).ToList();
            }
        }
        if (!int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            return static (_, _, _) => Variable.Invalid;
        if (type == typeof(string)) return (target, _, _) => index < ((string)target).Length ? ((string)target)[index].ToString() : Variable.Invalid;
        if (type == typeof(SafeString)) return (target, _, _) => index < ((SafeString)target).Value.Length ? ((SafeString)target).Value[index].ToString() : Variable.Invalid;
        if (typeof(IList).IsAssignableFrom(type)) return (target, _, _) => index < ((IList)target).Count ? ((IList)target)[index] : Variable.Invalid;
        if (typeof(IDictionary).IsAssignableFrom(type))
            return (target, _, _) =>
            {
                var d = (IDictionary)target;
                try { return d.Contains(index) ? d[index] : d.Contains((long)index) ? d[(long)index] : Variable.Invalid; }
                catch (ArgumentException) { return Variable.Invalid; }
            };
        var tuple = type.GetInterfaces().Contains(typeof(System.Runtime.CompilerServices.ITuple));
        if (tuple) return (target, _, _) => index < ((System.Runtime.CompilerServices.ITuple)target).Length ? ((System.Runtime.CompilerServices.ITuple)target)[index] : Variable.Invalid;
        return static (_, _, _) => Variable.Invalid;
    }

    /// <summary>A dictionary's pairs, in its order.</summary>
    public static IEnumerable<(object? Key, object? Value)> Pairs(object dictionary)
    {
        if (dictionary is IDictionary d)
        {
            foreach (DictionaryEntry e in d) yield return (e.Key, e.Value);
            yield break;
        }
        foreach (var item in (IEnumerable)dictionary)
        {
            var t = item!.GetType();
            yield return (t.GetProperty("Key")!.GetValue(item), t.GetProperty("Value")!.GetValue(item));
        }
    }

    /// <summary>A property, field or callable method named <paramref name="name"/> or whose snake_case is it.</summary>
    private static Func<object, string, Context, object?>? Member(Type type, string name, bool isAsync)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
        bool Named(MemberInfo m) => m.Name == name || JsonNamingPolicy.SnakeCaseLower.ConvertName(m.Name) == name;
        var target = Expression.Parameter(typeof(object), "target");
        var context = Expression.Parameter(typeof(Context), "context");
        var key = Expression.Parameter(typeof(string), "key");
        var typed = Expression.Convert(target, type);

        var property = type.GetProperties(flags).Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true })
            .OrderBy(p => p.Name == name ? 0 : 1).FirstOrDefault(Named);
        if (property is not null)
            return Compile(Expression.Property(typed, property));
        var field = type.GetFields(flags).OrderBy(f => f.Name == name ? 0 : 1).FirstOrDefault(Named);
        if (field is not null) return Compile(Expression.Field(typed, field));

        var methods = type.GetMethods(flags).Where(m => !m.IsSpecialName && !m.IsGenericMethodDefinition && m.DeclaringType != typeof(object)).ToList();
        MethodInfo? Callable(Func<MethodInfo, bool> named) => methods.Where(named)
            .Where(m => m.GetParameters().All(p => p.IsOptional || p.ParameterType == typeof(CancellationToken)))
            .OrderBy(m => m.GetParameters().Length).FirstOrDefault();
        var method = Callable(m => Named(m));
        if (method is null)
        {
            // a method that needs arguments is a lookup that failed (Django renders string_if_invalid for it)
            return methods.Any(m => Named(m)) ? static (_, _, _) => Variable.Invalid : null;
        }
        if (method.ReturnType == typeof(void) || method.IsDefined(typeof(AltersDataAttribute)))
            return static (_, _, _) => AltersData;
        if (isAsync)
        {
            var twinName = method.Name + "Async";
            var twin = Callable(m => m.Name == twinName && (typeof(Task).IsAssignableFrom(m.ReturnType) || IsValueTask(m.ReturnType)));
            if (twin is not null && !twin.IsDefined(typeof(AltersDataAttribute))) method = twin;
        }
        var token = Expression.Property(context, nameof(Context.CancellationToken));
        var arguments = method.GetParameters().Select(p => p.ParameterType == typeof(CancellationToken)
            ? (Expression)token
            : Expression.Constant(p.HasDefaultValue ? p.DefaultValue : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null, p.ParameterType));
        return Compile(Expression.Call(typed, method, arguments));

        Func<object, string, Context, object?> Compile(Expression body) =>
            Expression.Lambda<Func<object, string, Context, object?>>(Boxed(body), target, key, context).Compile();

        // booleans and small integers come from shared boxes: reading them allocates nothing
        static Expression Boxed(Expression body) =>
            body.Type == typeof(bool) || body.Type == typeof(int)
                ? Expression.Call(typeof(TemplateValues).GetMethod(nameof(TemplateValues.Box), [body.Type])!, body)
                : Expression.Convert(body, typeof(object));
    }
}
