using Nuages.Core;

namespace Nuages.Http;

/// <summary>A 302 redirect to <see cref="Url"/>. Only http, https and ftp URLs (or relative ones) are allowed.</summary>
public class HttpResponseRedirect : HttpResponse
{
    private static readonly string[] AllowedSchemes = ["http", "https", "ftp"];

    /// <summary>The longest redirect target accepted (Django's <c>MAX_URL_REDIRECT_LENGTH</c>).</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>
    /// Redirects to <paramref name="redirectTo"/>; throws <see cref="DisallowedRedirect"/> (answered 400) for a
    /// target longer than <see cref="MaxUrlLength"/> or with a scheme other than http, https and ftp.
    /// </summary>
    public HttpResponseRedirect(string redirectTo, int status = 302) : base("", null, status)
    {
        Headers["Location"] = IriToUri(redirectTo);
        if (redirectTo.Length > MaxUrlLength)
            throw new DisallowedRedirect($"Unsafe redirect exceeding {MaxUrlLength} characters");
        if (UrlScheme(redirectTo) is { } scheme && !AllowedSchemes.Contains(scheme))
            throw new DisallowedRedirect($"Unsafe redirect to URL with protocol '{scheme}'");
    }

    /// <summary>
    /// The scheme as Python's <c>urlsplit</c> reads it (django/http/response.py checks that): leading controls and
    /// spaces stripped, tabs and line breaks removed anywhere — as browsers do, so <c>java\tscript:</c> is
    /// <c>javascript:</c> — then letters, digits, <c>+-.</c> up to the first colon, lower-cased; null when there is none.
    /// </summary>
    internal static string? UrlScheme(string url)
    {
        var start = 0;
        while (start < url.Length && url[start] <= ' ') start++;
        var scheme = new System.Text.StringBuilder();
        for (var i = start; i < url.Length; i++)
        {
            var c = url[i];
            if (c is '\t' or '\r' or '\n') continue;
            if (c == ':') return scheme.Length > 0 ? scheme.ToString() : null;
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')) return null;
            if (scheme.Length == 0 && !char.IsAsciiLetter(c)) return null;
            scheme.Append(char.ToLowerInvariant(c));
        }
        return null;
    }

    /// <summary>The redirect target (the Location header).</summary>
    public string Url => Headers["Location"] ?? "";

    /// <summary>Django's <c>iri_to_uri</c>: percent-encodes what a URI may not carry, keeping reserved characters and existing escapes.</summary>
    internal static string IriToUri(string iri) => UriEncoding.Quote(iri, "/#%[]=:;$&()+,!?*@'~-_.");
}

/// <summary>A 301 permanent redirect.</summary>
public sealed class HttpResponsePermanentRedirect(string redirectTo) : HttpResponseRedirect(redirectTo, 301);
