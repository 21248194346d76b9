using System.Text;
using System.Text.RegularExpressions;

namespace Nuages.Templates;

/// <summary>django/utils/timesince.py: "3 days, 2 hours", two units at most, with non-breaking spaces.</summary>
internal static class TimeSince
{
    private static readonly string[] Units = ["year", "month", "week", "day", "hour", "minute"];
    private static readonly long[] Chunks = [60 * 60 * 24 * 7, 60 * 60 * 24, 60 * 60, 60];
    private static readonly int[] MonthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    public static object Describe(object? value, object? now, bool reversed)
    {
        if (!TemplateValues.IsTrue(value) || ToDateTime(value) is not { } d) return "";
        DateTime n;
        if (now is not null && TemplateValues.IsTrue(now))
        {
            if (ToDateTime(now) is not { } given) return "";
            n = given;
        }
        else n = value is DateTimeOffset o ? DateTimeOffset.UtcNow.ToOffset(o.Offset).DateTime : value is DateTime { Kind: DateTimeKind.Utc } ? DateTime.UtcNow : DateTime.Now;
        return Since(d, n, reversed);
    }

    private static DateTime? ToDateTime(object? value) => value switch
    {
        DateTime t => t,
        DateTimeOffset o => o.UtcDateTime,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        _ => null,
    };

    public static string Since(DateTime d, DateTime now, bool reversed, int depth = 2)
    {
        if (reversed) (d, now) = (now, d);
        var since = (long)Math.Floor((now - d).TotalSeconds);
        if (since <= 0) return Plural(0, "minute");
        var totalMonths = (now.Year - d.Year) * 12 + (now.Month - d.Month);
        if (d.Day > now.Day || d.Day == now.Day && d.TimeOfDay > now.TimeOfDay) totalMonths--;
        var years = Math.DivRem(totalMonths, 12, out var months);
        if (months < 0) { months += 12; years--; }
        var pivot = d;
        if (years != 0 || months != 0)
        {
            var year = d.Year + years;
            var month = d.Month + months;
            if (month > 12) { month -= 12; year++; }
            pivot = new DateTime(year, month, Math.Min(MonthDays[month - 1], d.Day), d.Hour, d.Minute, d.Second);
        }
        var remaining = (long)Math.Floor((now - pivot).TotalSeconds);
        var partials = new List<long> { years, months };
        foreach (var chunk in Chunks)
        {
            var count = remaining / chunk;
            partials.Add(count);
            remaining -= chunk * count;
        }
        var i = partials.FindIndex(p => p != 0);
        if (i < 0) return Plural(0, "minute");
        var result = new List<string>();
        while (i < Units.Length && result.Count < depth && partials[i] != 0)
        {
            result.Add(Plural(partials[i], Units[i]));
            i++;
        }
        return string.Join(", ", result);
    }

    private static string Plural(long n, string unit) => $"{n}\u00a0{unit}{(n == 1 ? "" : "s")}";
}

/// <summary>
/// django/utils/html.py's <c>urlize</c>: links to http(s) URLs, <c>www.</c> addresses, bare domains of the common
/// top-level domains and e-mail addresses found between spaces, keeping surrounding punctuation outside the link.
/// </summary>
internal static partial class Urlizer
{
    private const string TrailingPunctuation = ".,:;!";
    private static readonly (string Open, string Close)[] Wrapping = [("(", ")"), ("[", "]")];

    [GeneratedRegex(@"^https?://\[?[\w]", RegexOptions.IgnoreCase)]
    private static partial Regex SimpleUrl();

    [GeneratedRegex(@"^www\.|^(?!http)\w[^@]+\.(com|edu|gov|int|mil|net|org)($|/.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex SimpleUrl2();

    [GeneratedRegex(@"([\s<>""']+)")]
    private static partial Regex Words();

    public static string Urlize(string text, int? limit, bool nofollow, bool autoescape)
    {
        var sb = new StringBuilder();
        foreach (var part in Words().Split(text))
        {
            if (part.Length == 0) continue;
            if (Words().IsMatch(part) && Words().Match(part).Length == part.Length || !(part.Contains('.', StringComparison.Ordinal) || part.Contains('@', StringComparison.Ordinal) || part.Contains(':', StringComparison.Ordinal)))
            {
                sb.Append(autoescape ? Html.EscapeText(part) : part);
                continue;
            }
            var (lead, middle, trail) = Trim(part);
            string? url = null;
            var rel = nofollow ? " rel=\"nofollow\"" : "";
            if (SimpleUrl().IsMatch(middle)) url = Quote(middle);
            else if (SimpleUrl2().IsMatch(middle)) url = "http://" + Quote(middle);
            else if (!middle.Contains(':', StringComparison.Ordinal) && IsEmail(middle))
            {
                url = "mailto:" + middle;
                rel = "";
            }
            if (url is null)
            {
                sb.Append(autoescape ? Html.EscapeText(part) : part);
                continue;
            }
            var shown = limit is { } n && middle.Length > n ? (n <= 1 ? "…" : middle[..(n - 1)] + "…") : middle;
            if (autoescape)
            {
                lead = Html.EscapeText(lead);
                trail = Html.EscapeText(trail);
                shown = Html.EscapeText(shown);
            }
            sb.Append(lead).Append("<a href=\"").Append(Html.EscapeText(url)).Append('"').Append(rel).Append('>').Append(shown).Append("</a>").Append(trail);
        }
        return sb.ToString();
    }

    private static bool IsEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@')) return false;
        var domain = value[(at + 1)..];
        return domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.');
    }

    // django/utils/html.py's smart_urlquote, after html.unescape as urlize does
    private static string Quote(string url) => Http.UriEncoding.Quote(Uri.UnescapeDataString(System.Net.WebUtility.HtmlDecode(url)), "!*'();:@&=+$,/?#[]~._-");

    private static (string Lead, string Middle, string Trail) Trim(string word)
    {
        var lead = "";
        var trail = "";
        var middle = word;
        var trimmed = true;
        while (trimmed)
        {
            trimmed = false;
            foreach (var (open, close) in Wrapping)
            {
                if (middle.StartsWith(open, StringComparison.Ordinal))
                {
                    middle = middle[open.Length..];
                    lead += open;
                    trimmed = true;
                }
                if (middle.EndsWith(close, StringComparison.Ordinal) && Count(middle, close) == Count(middle, open) + 1)
                {
                    middle = middle[..^close.Length];
                    trail = close + trail;
                    trimmed = true;
                }
            }
            // entities end in ';': the punctuation is counted on the unescaped text, as Django's trim_punctuation does
            var unescaped = System.Net.WebUtility.HtmlDecode(middle);
            var stripped = unescaped.TrimEnd(TrailingPunctuation.ToCharArray());
            if (stripped != unescaped)
            {
                var count = unescaped.Length - stripped.Length;
                trail = middle[^count..] + trail;
                middle = middle[..^count];
                trimmed = true;
            }
        }
        return (lead, middle, trail);
    }

    private static int Count(string s, string sub) => (s.Length - s.Replace(sub, "", StringComparison.Ordinal).Length) / sub.Length;
}
