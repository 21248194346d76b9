namespace Nuages.Core;

// Django's django/core/exceptions.py: the exceptions every layer raises, under Django's names and in one
// namespace, where a Django developer looks for them. Exceptions that Django keeps with their
// layer stay with theirs: Http404 and BadHeaderError in Nuages.Http, DatabaseError and its family in
// Nuages.Db, NoReverseMatch in Nuages.Urls.

/// <summary>The site is set up wrongly (settings, URL patterns, views); raised at startup, never per request.</summary>
public class ImproperlyConfigured(string message) : Exception(message);

/// <summary>Django's <c>ObjectDoesNotExist</c>: <c>Get</c> found nothing.</summary>
public class ObjectDoesNotExist(string message) : Exception(message);

/// <summary>Django's <c>MultipleObjectsReturned</c>: <c>Get</c> found more than one.</summary>
public class MultipleObjectsReturned(string message) : Exception(message);

/// <summary>A lookup names a field or lookup that does not exist; raised when the query is built.</summary>
public sealed class FieldError(string message) : Exception(message);

/// <summary>Raise from a view to answer 403 Forbidden.</summary>
public class PermissionDenied(string message = "") : Exception(message);

/// <summary>Raise from a view to answer 400 Bad Request; the message is logged with the path.</summary>
public class BadRequest(string message = "") : Exception(message);

/// <summary>
/// The request did something suspicious (a forged host, too much data…). Answered 400 and logged on
/// the <c>Nuages.Security.&lt;ExceptionType&gt;</c> logger, as Django's <c>django.security.*</c>.
/// </summary>
public class SuspiciousOperation(string message = "") : Exception(message);

/// <summary>The Host header names a host not in <see cref="Conf.Settings.AllowedHosts"/>.</summary>
public sealed class DisallowedHost(string message) : SuspiciousOperation(message);

/// <summary>A redirect to a URL whose scheme is not http, https or ftp.</summary>
public sealed class DisallowedRedirect(string message) : SuspiciousOperation(message);

/// <summary>The request body is larger than <see cref="Conf.Settings.DataUploadMaxMemorySize"/>.</summary>
public sealed class RequestDataTooBig(string message) : SuspiciousOperation(message);

/// <summary>The request carries more fields than <see cref="Conf.Settings.DataUploadMaxNumberFields"/>.</summary>
public sealed class TooManyFieldsSent(string message) : SuspiciousOperation(message);

/// <summary>The request carries more files than <see cref="Conf.Settings.DataUploadMaxNumberFiles"/>.</summary>
public sealed class TooManyFilesSent(string message) : SuspiciousOperation(message);

/// <summary>Thrown by a middleware's constructor to take itself out of the chain (as django/core/handlers/base.py).</summary>
public sealed class MiddlewareNotUsed(string message = "") : Exception(message);

/// <summary>A sync-only operation was called from async code; run it through <see cref="Async.SyncToAsync"/> or use its async twin.</summary>
public sealed class SynchronousOnlyOperation : Exception
{
    /// <summary>Django's message.</summary>
    public const string DefaultMessage = "You cannot call this from an async context - use a thread or SyncToAsync.";

    /// <summary>For <paramref name="operation"/>, with Django's message.</summary>
    public SynchronousOnlyOperation(string operation) : this(operation, DefaultMessage) { }

    /// <summary>For <paramref name="operation"/>, with <paramref name="message"/>.</summary>
    public SynchronousOnlyOperation(string operation, string message) : base(message) => Operation = operation;

    /// <summary>The operation that was refused.</summary>
    public string Operation { get; }
}
