namespace Nuages.Http;

/// <summary>Raise from a view to answer 404 Not Found (the 404 handler renders the page).</summary>
public class Http404(string message = "") : Exception(message);

/// <summary>A multipart/form-data body that cannot be parsed; answered 400.</summary>
public sealed class MultiPartParserError(string message) : Exception(message);

/// <summary>A header value that would split the response (it contains a newline).</summary>
public sealed class BadHeaderError(string message) : ArgumentException(message);

/// <summary>
/// A cookie that cannot be written (Python's <c>http.cookies.CookieError</c>, which Django lets through): a name
/// outside the token characters or one of the attribute names, or a control character in an attribute.
/// </summary>
public sealed class CookieError(string message) : ArgumentException(message);
