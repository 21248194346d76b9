using System.Globalization;
using System.Text.RegularExpressions;
using Nuages.Core;

namespace Nuages.Forms;

/// <summary>
/// Django's <c>CharField</c>: text, stripped of surrounding whitespace unless <see cref="Strip"/> is false; an empty
/// value cleans to <see cref="EmptyValue"/> (""); <see cref="MaxLength"/> and <see cref="MinLength"/> with Django's
/// messages; NUL characters refused.
/// </summary>
public class CharField : Field<string>
{
    /// <summary>The most characters allowed.</summary>
    public int? MaxLength { get; init; }

    /// <summary>The fewest characters allowed.</summary>
    public int? MinLength { get; init; }

    /// <summary>Whether surrounding whitespace is removed (true by default).</summary>
    public bool Strip { get; init; } = true;

    /// <summary>What an empty value cleans to ("" by default; null for a nullable model field).</summary>
    public string? EmptyValue { get; init; } = "";

    /// <inheritdoc/>
    protected override IEnumerable<Validator> OptionValidators
    {
        get
        {
            if (MaxLength is { } max) yield return new MaxLengthValidator(max);
            if (MinLength is { } min) yield return new MinLengthValidator(min);
            yield return new ProhibitNullCharactersValidator();
        }
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> WidgetAttrs(Widget widget)
    {
        var attrs = base.WidgetAttrs(widget);
        if (MaxLength is { } max && !widget.IsHidden) attrs["maxlength"] = max.ToString(CultureInfo.InvariantCulture);
        if (MinLength is { } min && !widget.IsHidden) attrs["minlength"] = min.ToString(CultureInfo.InvariantCulture);
        return attrs;
    }

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (!IsEmpty(value))
        {
            var text = PythonFormat.Str(value);
            value = Strip ? text.Trim() : text;
        }
        return IsEmpty(value) ? EmptyValue : value;
    }
}

/// <summary>Django's <c>EmailField</c>: an email address as Django's <c>EmailValidator</c> accepts it.</summary>
public class EmailField : CharField
{
    /// <summary>An email field of at most 320 characters (RFC 3696, as Django's default).</summary>
    public EmailField() => MaxLength = 320;

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new EmailInput();

    /// <inheritdoc/>
    protected override IEnumerable<Validator> ClassValidators => [new EmailValidator()];
}

/// <summary>
/// Django's <c>SlugField</c>: letters, digits, underscores and hyphens (<see cref="AllowUnicode"/>: any letters).
/// </summary>
public class SlugField : CharField
{
    /// <summary>Whether letters beyond ASCII are accepted.</summary>
    public bool AllowUnicode { get; init; }

    /// <inheritdoc/>
    protected override IEnumerable<Validator> ClassValidators =>
    [
        AllowUnicode
            ? new RegexValidator(@"^[-\w]+\z", "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens.")
            : new RegexValidator(@"^[-a-zA-Z0-9_]+\z", "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    ];
}

/// <summary>Django's <c>RegexField</c>: text matching <see cref="Regex"/> ("Enter a valid value." otherwise); not stripped unless asked.</summary>
public class RegexField : CharField
{
    /// <summary>A field whose values must match <paramref name="pattern"/>.</summary>
    public RegexField(string pattern) : this(new Regex(pattern, RegexOptions.CultureInvariant))
    {
    }

    /// <summary>A field whose values must match <paramref name="regex"/>.</summary>
    public RegexField(Regex regex)
    {
        Regex = regex;
        Strip = false;
    }

    /// <summary>The pattern, searched anywhere in the value.</summary>
    public Regex Regex { get; }

    /// <inheritdoc/>
    protected override IEnumerable<Validator> OptionValidators => base.OptionValidators.Append(new RegexValidator(Regex));
}

/// <summary>
/// Django's <c>URLField</c>: a URL with a scheme of http, https, ftp or ftps; a URL given without one gets
/// <see cref="AssumeScheme"/> (<c>example.com</c> → <c>https://example.com</c>).
/// </summary>
public partial class URLField : CharField
{
    /// <summary>A URL field with Django's message.</summary>
    public URLField() => ErrorMessages["invalid"] = "Enter a valid URL.";

    /// <summary>The scheme given to a URL written without one (Django 6's <c>https</c>; Django 5 assumed <c>http</c>).</summary>
    public string AssumeScheme { get; init; } = "https";

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new URLInput();

    /// <inheritdoc/>
    protected override IEnumerable<Validator> ClassValidators => [new UrlValidator()];

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        var text = base.ToPython(value) as string;
        if (string.IsNullOrEmpty(text)) return text;
        var (scheme, netloc, path, query, fragment) = UrlSplit(text);
        // Python's urlsplit refuses a host with one bracket of an IPv6 address and not the other
        if (netloc.Contains('[', StringComparison.Ordinal) != netloc.Contains(']', StringComparison.Ordinal)) throw Error("invalid", new() { ["value"] = text });
        if (scheme.Length == 0) scheme = AssumeScheme;
        if (netloc.Length == 0)
        {
            // "example.com/path": the domain was taken for a path
            (scheme, netloc, path, query, fragment) = UrlSplit(UrlUnsplit(scheme, path, "", query, fragment));
        }
        return UrlUnsplit(scheme, netloc, path, query, fragment);
    }

    /// <summary>Python's urllib.parse.urlsplit, for the parts URLField puts back together.</summary>
    internal static (string Scheme, string Netloc, string Path, string Query, string Fragment) UrlSplit(string url)
    {
        var scheme = "";
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && char.IsAsciiLetter(url[0]) && url[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            scheme = url[..colon].ToLowerInvariant();
            url = url[(colon + 1)..];
        }
        var netloc = "";
        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            var end = url.IndexOfAny(['/', '?', '#'], 2);
            netloc = end < 0 ? url[2..] : url[2..end];
            url = end < 0 ? "" : url[end..];
        }
        var fragment = "";
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0) { fragment = url[(hash + 1)..]; url = url[..hash]; }
        var query = "";
        var question = url.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0) { query = url[(question + 1)..]; url = url[..question]; }
        return (scheme, netloc, url, query, fragment);
    }

    internal static string UrlUnsplit(string scheme, string netloc, string path, string query, string fragment)
    {
        var url = path;
        if (netloc.Length > 0)
        {
            if (url.Length > 0 && url[0] != '/') url = "/" + url;
            url = "//" + netloc + url;
        }
        if (scheme.Length > 0) url = scheme + ":" + url;
        if (query.Length > 0) url += "?" + query;
        if (fragment.Length > 0) url += "#" + fragment;
        return url;
    }
}

/// <summary>Django's <c>URLValidator</c> (django/core/validators.py): its pattern, its schemes, internationalized domains as punycode, IPv6 hosts checked.</summary>
public sealed partial class UrlValidator() : Validator("Enter a valid URL.", "invalid")
{
    private const string Ul = "\u00a1-\uffff";
    private const string Ipv4 = @"(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)(?:\.(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)){3}";
    private const string Ipv6 = @"\[[0-9a-f:.]+\]";
    private const string Hostname = "[a-z" + Ul + "0-9](?:[a-z" + Ul + "0-9-]{0,61}[a-z" + Ul + "0-9])?";
    private const string DomainPart = @"(?:\.(?!-)[a-z" + Ul + "0-9-]{1,63}(?<!-))*";
    private const string Tld = @"\.(?!-)(?:[a-z" + Ul + "-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?";
    private const string Host = "(" + Hostname + DomainPart + Tld + "|localhost)";

    [GeneratedRegex(@"^(?:[a-z0-9.+-]*)://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?(?:" + Ipv4 + "|" + Ipv6 + "|" + Host + @")(?::[0-9]{1,5})?(?:[/?#][^\s]*)?\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^\[(.+)\](?::[0-9]{1,5})?$")]
    private static partial Regex BracketedHost();

    /// <summary>The schemes accepted.</summary>
    public IReadOnlyList<string> Schemes { get; init; } = ["http", "https", "ftp", "ftps"];

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        if (value is not string text || text.Length > 2048 || text.AsSpan().IndexOfAny("\t\r\n") >= 0) throw Fail(value);
        var scheme = text.Split("://")[0].ToLowerInvariant();
        if (!Schemes.Contains(scheme)) throw Fail(value);
        var (s, netloc, path, query, fragment) = URLField.UrlSplit(text);
        if (!Pattern().IsMatch(text))
        {
            // an internationalized domain: try it as punycode
            string ascii;
            try
            {
                ascii = Punycode(netloc);
            }
            catch (ArgumentException)
            {
                throw Fail(value);
            }
            if (!Pattern().IsMatch(URLField.UrlUnsplit(s, ascii, path, query, fragment))) throw Fail(value);
        }
        else if (BracketedHost().Match(netloc) is { Success: true } host && !Addresses.IsIPv6(host.Groups[1].Value))
        {
            throw Fail(value);
        }
        var hostname = HostName(netloc);
        if (hostname is null || hostname.Length > 253) throw Fail(value);
    }

    private static string Punycode(string netloc)
    {
        var at = netloc.LastIndexOf('@');
        var userinfo = at >= 0 ? netloc[..(at + 1)] : "";
        var hostport = netloc[(at + 1)..];
        var colon = hostport.LastIndexOf(':');
        var (host, port) = colon >= 0 && !hostport.EndsWith(']') ? (hostport[..colon], hostport[colon..]) : (hostport, "");
        return userinfo + new System.Globalization.IdnMapping().GetAscii(host) + port;
    }

    // urlsplit(...).hostname: the host without user info, port or brackets; None when empty
    private static string? HostName(string netloc)
    {
        var host = netloc[(netloc.LastIndexOf('@') + 1)..];
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            host = close < 0 ? host[1..] : host[1..close];
        }
        else if (host.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0) host = host[..colon];
        return host.Length == 0 ? null : host.ToLowerInvariant();
    }
}
