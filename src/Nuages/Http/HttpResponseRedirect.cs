namespace Nuages.Http;

/// <summary>A 302 redirect to <see cref="Url"/>. Only http, https and ftp URLs (or relative ones) are allowed.</summary>
public class HttpResponseRedirect : HttpResponse
{
    private static readonly string[] AllowedSchemes = ["http", "https", "ftp"];

    /// <summary>Redirects to <paramref name="redirectTo"/>; throws <see cref="DisallowedRedirect"/> for other schemes.</summary>
    public HttpResponseRedirect(string redirectTo, int status = 302) : base("", null, status)
    {
        var location = IriToUri(redirectTo);
        var colon = location.IndexOf(':');
        var slash = location.IndexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash))
        {
            var scheme = location[..colon];
            if (scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') && !AllowedSchemes.Contains(scheme.ToLowerInvariant()))
                throw new DisallowedRedirect($"Unsafe redirect to URL with protocol '{scheme}'");
        }
        Headers["Location"] = location;
    }

    /// <summary>The redirect target (the Location header).</summary>
    public string Url => Headers["Location"] ?? "";

    /// <summary>Django's <c>iri_to_uri</c>: percent-encodes what a URI may not carry, keeping reserved characters and existing escapes.</summary>
    internal static string IriToUri(string iri) => UriEncoding.Quote(iri, "/#%[]=:;$&()+,!?*@'~-_.");
}

/// <summary>A 301 permanent redirect.</summary>
public sealed class HttpResponsePermanentRedirect(string redirectTo) : HttpResponseRedirect(redirectTo, 301);
