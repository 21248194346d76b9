using System.Reflection;
using Microsoft.Extensions.Logging;
using Nuages.Async;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;
using Nuages.Middleware;
using MiddlewareBase = Nuages.Middleware.MiddlewareMixin;

namespace Nuages.Handlers;

/// <summary>
/// Building the middleware chain (Django's <c>load_middleware</c>), once per mode, from the view outwards
/// (as django/core/handlers/base.py). Each middleware runs in the mode of the layer beneath it when it can (as django/core/handlers/base.py); a
/// single-mode middleware gets the layer beneath adapted to its mode, which is logged at Debug level as
/// Django logs it (as django/core/handlers/base.py). The four cases:
/// <list type="bullet">
/// <item>sync layer beneath, sync-capable middleware: runs sync, nothing adapted;</item>
/// <item>sync layer beneath, async-only middleware: the layer is wrapped sync→async ("Synchronous handler adapted…");</item>
/// <item>async layer beneath, async-capable middleware: runs async, nothing adapted;</item>
/// <item>async layer beneath, sync-only middleware: the layer is wrapped async→sync ("Asynchronous handler adapted…").</item>
/// </list>
/// The innermost layer (URL resolution, view hooks, the view) runs natively in both modes, so adapting
/// it costs no switch: an all-sync stack under the async gateway switches once, at the top.
/// </summary>
internal sealed partial class Handler
{
    /// <summary>A built chain: the outermost layer in the server's mode, and the hooks collected from the middleware.</summary>
    internal sealed class Chain(bool isAsync)
    {
        public bool IsAsync { get; } = isAsync;
        public Func<HttpRequest, HttpResponse>? Sync { get; set; }
        public Func<HttpRequest, ValueTask<HttpResponse>>? Async { get; set; }
        public List<MiddlewareBase> ViewHooks { get; } = [];
        public List<MiddlewareBase> TemplateHooks { get; } = [];
        public List<MiddlewareBase> ExceptionHooks { get; } = [];

        /// <summary>Whether a request's sync code may run inline on the thread that holds it (async chains only).</summary>
        public InlineSync Inline { get; set; }
    }

    /// <summary>
    /// When the sync code of a request served by an async chain all runs in one stretch — no await that waits between two
    /// parts of it — so it can run inline on the thread that holds the request and still all be on one thread.
    /// </summary>
    internal enum InlineSync
    {
        /// <summary>Some layer could run sync code, wait, then run more: sync code goes to the request's sync worker.</summary>
        Never,

        /// <summary>A sync layer holds all the rest: the request's sync code is that one call.</summary>
        Always,

        /// <summary>The sync code is the core's (view hooks, the view, template hooks, the render): one stretch when the view is sync.</summary>
        IfSyncView,
    }

    /// <summary>One layer of the chain in the making: its mode and its entry point(s).</summary>
    private sealed record Layer(bool IsAsync, Func<HttpRequest, HttpResponse>? Sync, Func<HttpRequest, ValueTask<HttpResponse>>? Async, bool IsCore);

    private Chain BuildChain(bool isAsync)
    {
        var chain = new Chain(isAsync);
        var layers = new List<(bool RunsAsync, object Instance)>(); // outermost first
        var debug = _settings.Debug;
        var core = new Layer(isAsync, ConvertExceptions(request => CoreSync(chain, request)), request => CoreAsync(chain, request), IsCore: true);
        var layer = core;
        for (var i = _settings.Middleware.Count - 1; i >= 0; i--)
        {
            var path = _settings.Middleware[i];
            var type = ResolveMiddlewareType(path);
            var capabilities = CapabilitiesOf(type);
            if (capabilities == MiddlewareCapabilities.None)
                throw new InvalidOperationException($"Middleware {path} must have at least one of sync_capable/async_capable set to True."); // as django/core/handlers/base.py does
            bool runsAsync;
            Next next;
            if (!layer.IsAsync)
            {
                runsAsync = !capabilities.HasFlag(MiddlewareCapabilities.Sync);
                if (runsAsync && debug) Log.SyncAdapted(_requestLogger, path); // As django/core/handlers/base.py does: before instantiation
                next = runsAsync ? new Next(AsAsync(layer)) : new Next(AsSync(layer));
            }
            else
            {
                runsAsync = capabilities.HasFlag(MiddlewareCapabilities.Async);
                if (!runsAsync && debug) Log.AsyncAdapted(_requestLogger, path); // as django/core/handlers/base.py does
                next = runsAsync ? new Next(AsAsync(layer)) : new Next(AsSync(layer));
            }
            object? instance;
            try
            {
                instance = Instantiate(type, path, next);
            }
            catch (MiddlewareNotUsed notUsed)
            {
                // As django/core/handlers/base.py does: skipped; the chain goes on with the layer beneath, unadapted.
                if (debug)
                {
                    if (notUsed.Message.Length == 0) Log.NotUsed(_requestLogger, path);
                    else Log.NotUsedBecause(_requestLogger, path, notUsed.Message);
                }
                continue;
            }
            if (instance is null) throw new ImproperlyConfigured($"Middleware factory {path} returned null."); // as django/core/handlers/base.py does
            layers.Insert(0, (runsAsync, instance));
            if (instance is MiddlewareBase hooks)
            {
                // As django/core/handlers/base.py does: view hooks run in MIDDLEWARE order, template and exception hooks in reverse.
                if (hooks.HookKinds.View != MiddlewareBase.HookKind.None) chain.ViewHooks.Insert(0, hooks);
                if (hooks.HookKinds.TemplateResponse != MiddlewareBase.HookKind.None) chain.TemplateHooks.Add(hooks);
                if (hooks.HookKinds.Exception != MiddlewareBase.HookKind.None) chain.ExceptionHooks.Add(hooks);
            }
            layer = runsAsync
                ? new Layer(true, null, ConvertExceptions(AsyncEntry(instance, path)), IsCore: false)
                : new Layer(false, ConvertExceptions(SyncEntry(instance, path)), null, IsCore: false);
        }
        // As django/core/handlers/base.py does: the outermost layer meets the server's mode silently.
        if (isAsync) chain.Async = AsAsync(layer);
        else chain.Sync = AsSync(layer);
        if (isAsync) chain.Inline = InlineOf(layers, chain);
        return chain;
    }

    /// <summary>
    /// Whether an async chain runs a request's sync code in one stretch. From the outside in: a sync layer holds the rest
    /// (one call); an async layer must run no sync code of its own at the top level — only Nuages' own hook middleware
    /// whose request and response hooks are async or non-blocking qualify (user code could call SyncToAsync after an
    /// await) — then the core: no async view hook after a sync one, and no async template or exception hook (they
    /// come after the view), nor a sync exception hook that is not non-blocking (it could follow an async render).
    /// </summary>
    private static InlineSync InlineOf(List<(bool RunsAsync, object Instance)> layers, Chain chain)
    {
        foreach (var (runsAsync, instance) in layers)
        {
            if (!runsAsync) return InlineSync.Always;
            if (instance is not MiddlewareBase hooks || instance.GetType().Assembly != typeof(Handler).Assembly) return InlineSync.Never;
            var kinds = hooks.HookKinds;
            if (!QuietAtTop(kinds.Request, kinds.NonBlocking) || !QuietAtTop(kinds.Response, kinds.NonBlocking)) return InlineSync.Never;
        }
        var sawSync = false;
        foreach (var hooks in chain.ViewHooks)
        {
            var kinds = hooks.HookKinds;
            if (kinds.View.HasFlag(MiddlewareBase.HookKind.Async))
            {
                if (sawSync) return InlineSync.Never;
            }
            else if (!kinds.NonBlocking) sawSync = true;
        }
        foreach (var hooks in chain.TemplateHooks)
            if (hooks.HookKinds.TemplateResponse.HasFlag(MiddlewareBase.HookKind.Async)) return InlineSync.Never;
        foreach (var hooks in chain.ExceptionHooks)
            if (hooks.HookKinds.Exception.HasFlag(MiddlewareBase.HookKind.Async) || !hooks.HookKinds.NonBlocking) return InlineSync.Never;
        return InlineSync.IfSyncView;
    }

    // A hook that runs no sync code at the top level of an async chain: none, async, or sync and non-blocking.
    private static bool QuietAtTop(MiddlewareBase.HookKind kind, bool nonBlocking) =>
        kind == MiddlewareBase.HookKind.None || kind.HasFlag(MiddlewareBase.HookKind.Async) || nonBlocking;

    /// <summary>The layer in sync mode: the core natively, a sync layer as is, an async one through AsyncToSync.</summary>
    private static Func<HttpRequest, HttpResponse> AsSync(Layer layer)
    {
        if (layer.IsCore || !layer.IsAsync) return layer.Sync!;
        var inner = layer.Async!;
        return request => AsyncToSync.Run(() => inner(request));
    }

    /// <summary>The layer in async mode: the core natively, an async layer as is, a sync one through thread-sensitive SyncToAsync.</summary>
    private static Func<HttpRequest, ValueTask<HttpResponse>> AsAsync(Layer layer)
    {
        if (layer.IsCore || layer.IsAsync) return layer.Async!;
        var inner = layer.Sync!;
        return request => new ValueTask<HttpResponse>(SyncToAsync.RunShielded(() => inner(request)).AsTask());
    }

    /// <summary>As django/core/handlers/base.py does: no exception leaves a layer; the next outer middleware always gets a response.</summary>
    private Func<HttpRequest, HttpResponse> ConvertExceptions(Func<HttpRequest, HttpResponse> layer) => request =>
    {
        try
        {
            return layer(request);
        }
        catch (Exception exception) when (!IsDisconnect(request, exception))
        {
            return ResponseForException(request, exception);
        }
    };

    private Func<HttpRequest, ValueTask<HttpResponse>> ConvertExceptions(Func<HttpRequest, ValueTask<HttpResponse>> layer) => request =>
    {
        ValueTask<HttpResponse> pending;
        try
        {
            pending = layer(request);
        }
        catch (Exception exception) when (!IsDisconnect(request, exception))
        {
            return new ValueTask<HttpResponse>(ResponseForException(request, exception));
        }
        return pending.IsCompletedSuccessfully ? pending : Converted(request, pending);
    };

    private async ValueTask<HttpResponse> Converted(HttpRequest request, ValueTask<HttpResponse> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception exception) when (!IsDisconnect(request, exception))
        {
            return ResponseForException(request, exception);
        }
    }

    private static bool IsDisconnect(HttpRequest request, Exception exception) =>
        exception is OperationCanceledException && request.Aborted.IsCancellationRequested;

    private static Func<HttpRequest, HttpResponse> SyncEntry(object instance, string path) => instance is ISyncMiddleware sync
        ? sync.Invoke
        : throw new ImproperlyConfigured($"Middleware {path} runs in sync mode here but does not implement ISyncMiddleware.");

    private static Func<HttpRequest, ValueTask<HttpResponse>> AsyncEntry(object instance, string path) => instance is IAsyncMiddleware async
        ? async.InvokeAsync
        : throw new ImproperlyConfigured($"Middleware {path} runs in async mode here but does not implement IAsyncMiddleware.");

    /// <summary>As django/core/handlers/base.py does: the declared capabilities, else what the implemented interfaces say, else sync.</summary>
    internal static MiddlewareCapabilities CapabilitiesOf(Type type)
    {
        if (type.GetCustomAttribute<MiddlewareCapabilitiesAttribute>() is { } declared) return declared.Capabilities;
        var capabilities = MiddlewareCapabilities.None;
        if (typeof(ISyncMiddleware).IsAssignableFrom(type)) capabilities |= MiddlewareCapabilities.Sync;
        if (typeof(IAsyncMiddleware).IsAssignableFrom(type)) capabilities |= MiddlewareCapabilities.Async;
        return capabilities == MiddlewareCapabilities.None ? MiddlewareCapabilities.Sync : capabilities;
    }

    internal static Type ResolveMiddlewareType(string path)
    {
        if (TypeNames.Resolve(path) is { } type) return type;
        throw new ImproperlyConfigured(
            $"Middleware '{path}' was not found: add it by type (s.Middleware.Add<TMiddleware>()), or give the full name (Namespace.Type) of a class in a loaded assembly, or its assembly-qualified name.");
    }

    /// <summary>Builds a middleware with a static <c>Create(Next)</c> factory or a constructor taking <see cref="Next"/> (and optionally the settings and logger factory).</summary>
    private object? Instantiate(Type type, string path, Next next)
    {
        try
        {
            var factory = type.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, [typeof(Next)]);
            if (factory is not null) return factory.Invoke(null, [next]);
            foreach (var constructor in type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            {
                var parameters = constructor.GetParameters();
                if (parameters.Length == 0 || parameters[0].ParameterType != typeof(Next)) continue;
                var arguments = new object?[parameters.Length];
                arguments[0] = next;
                var usable = true;
                for (var p = 1; p < parameters.Length; p++)
                {
                    var parameterType = parameters[p].ParameterType;
                    if (parameterType == typeof(Settings)) arguments[p] = _settings;
                    else if (parameterType == typeof(ILoggerFactory)) arguments[p] = _loggerFactory;
                    else usable = false;
                }
                if (usable) return constructor.Invoke(arguments);
            }
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        throw new ImproperlyConfigured(
            $"Middleware {path} needs a public constructor taking a Next (then optionally Settings and ILoggerFactory), or a static Create(Next) factory.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, EventName = "SyncAdapted", Level = LogLevel.Debug, Message = "Synchronous handler adapted for middleware {Path}.")]
        public static partial void SyncAdapted(ILogger logger, string path);

        [LoggerMessage(EventId = 1202, EventName = "AsyncAdapted", Level = LogLevel.Debug, Message = "Asynchronous handler adapted for middleware {Path}.")]
        public static partial void AsyncAdapted(ILogger logger, string path);

        [LoggerMessage(EventId = 1203, EventName = "MiddlewareNotUsed", Level = LogLevel.Debug, Message = "MiddlewareNotUsed: '{Path}'")]
        public static partial void NotUsed(ILogger logger, string path);

        [LoggerMessage(EventId = 1204, EventName = "MiddlewareNotUsedBecause", Level = LogLevel.Debug, Message = "MiddlewareNotUsed('{Path}'): {Reason}")]
        public static partial void NotUsedBecause(ILogger logger, string path, string reason);
    }
}
