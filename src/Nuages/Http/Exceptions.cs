namespace Nuages.Http;

/// <summary>Raise from a view to answer 404 Not Found (the 404 handler renders the page).</summary>
public class Http404(string message = "") : Exception(message);

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

/// <summary>A multipart/form-data body that cannot be parsed; answered 400.</summary>
public sealed class MultiPartParserError(string message) : Exception(message);

/// <summary>A header value that would split the response (it contains a newline).</summary>
public sealed class BadHeaderError(string message) : ArgumentException(message);


/// <summary>
/// A cookie that cannot be written (Python's <c>http.cookies.CookieError</c>, which Django lets through): a name
/// outside the token characters or one of the attribute names, or a control character in an attribute.
/// </summary>
public sealed class CookieError(string message) : ArgumentException(message);
