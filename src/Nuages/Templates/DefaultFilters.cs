using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Nuages.Templates;

/// <summary>Django's built-in filters (django/template/defaultfilters.py), with its <c>is_safe</c> flags and its ways of failing quietly.</summary>
internal static partial class DefaultFilters
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static readonly Library Library = Build();

    private static Library Build()
    {
        var l = new Library();
        // strings
        l.Filter("addslashes", (v, _, _) => Str(v).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal), isSafe: true);
        l.Filter("capfirst", (v, _, _) => Str(v) is { Length: > 0 } s ? char.ToUpperInvariant(s[0]) + s[1..] : Str(v), isSafe: true);
        l.Filter("center", (v, a, _) => Center(Str(v), Int(a)), FilterArgument.Required, isSafe: true);
        l.Filter("cut", (v, a, _) =>
        {
            var cut = Str(v).Replace(Str(a), "", StringComparison.Ordinal);
            return v is SafeString && Str(a) != ";" ? new SafeString(cut) : cut;
        }, FilterArgument.Required);
        l.Filter("escapejs", (v, _, _) => new SafeString(EscapeJs(Str(v))));
        l.Filter("iriencode", (v, _, _) => Http.HttpResponseRedirect.IriToUri(Str(v)), isSafe: true);
        l.Filter("ljust", (v, a, _) => Str(v).PadRight(Math.Max(0, (int)Int(a))), FilterArgument.Required, isSafe: true);
        l.Filter("rjust", (v, a, _) => Str(v).PadLeft(Math.Max(0, (int)Int(a))), FilterArgument.Required, isSafe: true);
        l.Filter("lower", (v, _, _) => Str(v).ToLowerInvariant(), isSafe: true);
        l.Filter("upper", (v, _, _) => Str(v).ToUpperInvariant()); // not is_safe: upper-cased entities break
        l.Filter("make_list", (v, _, _) => Str(v).Select(c => (object?)c.ToString()).ToList());
        l.Filter("slugify", (v, _, _) => Slugify(Str(v)), isSafe: true);
        l.Filter("stringformat", (v, a, _) => StringFormat(v, Str(a)), FilterArgument.Required, isSafe: true);
        l.Filter("title", (v, _, _) => Title(Str(v)), isSafe: true);
        l.Filter("truncatechars", (v, a, _) => TemplateValues.ToInteger(a) is { } n ? TruncateChars(Str(v), n) : v, FilterArgument.Required, isSafe: true);
        l.Filter("truncatechars_html", (v, a, _) => TemplateValues.ToInteger(a) is { } n ? TruncateHtml(Str(v), (int)n, words: false) : v, FilterArgument.Required, isSafe: true);
        l.Filter("truncatewords", (v, a, _) => TemplateValues.ToInteger(a) is { } n ? TruncateWords(Str(v), n) : v, FilterArgument.Required, isSafe: true);
        l.Filter("truncatewords_html", (v, a, _) => TemplateValues.ToInteger(a) is { } n ? TruncateHtml(Str(v), (int)n, words: true) : v, FilterArgument.Required, isSafe: true);
        l.Filter("urlencode", (v, a, c) => Http.UriEncoding.Quote(Str(v), "_.-~" + (c.HasArgument ? Str(a) : "/")), FilterArgument.Optional);
        l.Filter("wordcount", (v, _, _) => Str(v).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
        l.Filter("wordwrap", (v, a, _) => Wrap(Str(v), (int)Int(a)), FilterArgument.Required, isSafe: true);
        l.Filter("phone2numeric", (v, _, _) => Phone2Numeric(Str(v)), isSafe: true);
        l.Filter("urlize", (v, _, c) => new SafeString(Urlizer.Urlize(Str(v), null, nofollow: true, autoescape: c.Autoescape && v is not SafeString)), isSafe: true);
        l.Filter("urlizetrunc", (v, a, c) => new SafeString(Urlizer.Urlize(Str(v), (int)Int(a), nofollow: true, autoescape: c.Autoescape && v is not SafeString)), FilterArgument.Required, isSafe: true);
        // HTML
        l.Filter("escape", (v, _, _) => Html.ConditionalEscape(Str(v) is var s && v is SafeString ? v : s), isSafe: true);
        l.Filter("force_escape", (v, _, _) => Html.Escape(Str(v)), isSafe: true);
        l.Filter("escapeseq", (v, _, _) => Items(v).Select(x => (object?)Html.ConditionalEscape(x)).ToList());
        l.Filter("safe", (v, _, _) => Html.MarkSafe(v is SafeString ? v : Str(v)), isSafe: true);
        l.Filter("safeseq", (v, _, _) => Items(v).Select(x => (object?)Html.MarkSafe(x)).ToList(), isSafe: true);
        l.Filter("linebreaks", (v, _, c) => new SafeString(Linebreaks(Str(v), c.Autoescape && v is not SafeString)), isSafe: true);
        l.Filter("linebreaksbr", (v, _, c) =>
        {
            var s = NormalizeNewlines(Str(v));
            if (c.Autoescape && v is not SafeString) s = Html.EscapeText(s);
            return new SafeString(s.Replace("\n", "<br>", StringComparison.Ordinal));
        }, isSafe: true);
        l.Filter("linenumbers", (v, _, c) => LineNumbers(Str(v), c.Autoescape && v is not SafeString), isSafe: true);
        l.Filter("striptags", (v, _, _) => StripTags(Str(v)), isSafe: true);
        l.Filter("json_script", (v, a, c) => JsonScript(v, c.HasArgument ? a : null), FilterArgument.Optional, isSafe: true);
        // lists
        l.Filter("dictsort", (v, a, _) => DictSort(v, a, reverse: false), FilterArgument.Required);
        l.Filter("dictsortreversed", (v, a, _) => DictSort(v, a, reverse: true), FilterArgument.Required);
        l.Filter("first", (v, _, _) => Sequence(v) is { Count: > 0 } s ? s[0] : "");
        l.Filter("last", (v, _, _) => Sequence(v) is { Count: > 0 } s ? s[^1] : "");
        l.Filter("join", (v, a, c) => Join(v, a, c.Autoescape), FilterArgument.Required, isSafe: true);
        l.Filter("length", (v, _, _) => Length(v), isSafe: true);
        l.Filter("random", (v, _, _) => Sequence(v) is { Count: > 0 } s ? s[Random.Shared.Next(s.Count)] : throw new ArgumentException("Cannot choose from an empty sequence"));
        l.Filter("slice", (v, a, _) => Slice(v, Str(a)), FilterArgument.Required, isSafe: true);
        l.Filter("unordered_list", (v, _, c) => new SafeString(UnorderedList(v, c.Autoescape, 1)), isSafe: true);
        // numbers
        l.Filter("add", (v, a, _) => Add(v, a), FilterArgument.Required);
        l.Filter("get_digit", (v, a, _) => GetDigit(v, a), FilterArgument.Required);
        l.Filter("divisibleby", (v, a, _) => TemplateValues.Box(Int(v) % Int(a) == 0), FilterArgument.Required);
        l.Filter("floatformat", (v, a, c) => FloatFormat(v, c.HasArgument ? a : -1), FilterArgument.Optional, isSafe: true);
        l.Filter("filesizeformat", (v, _, _) => FileSizeFormat(v), isSafe: true);
        // dates
        l.Filter("date", (v, a, c) => DateFilter(v, c.HasArgument ? Str(a) : null, DateFormat.DateFormatDefault), FilterArgument.Optional);
        l.Filter("time", (v, a, c) => TimeFilter(v, c.HasArgument ? Str(a) : null), FilterArgument.Optional);
        l.Filter("timesince", (v, a, c) => TimeSince.Describe(v, c.HasArgument ? a : null, reversed: false), FilterArgument.Optional);
        l.Filter("timeuntil", (v, a, c) => TimeSince.Describe(v, c.HasArgument ? a : null, reversed: true), FilterArgument.Optional);
        // logic
        l.Filter("default", (v, a, _) => TemplateValues.IsTrue(v) ? v : a, FilterArgument.Required);
        l.Filter("default_if_none", (v, a, _) => v ?? a, FilterArgument.Required);
        l.Filter("yesno", (v, a, c) => YesNo(v, c.HasArgument ? Str(a) : null), FilterArgument.Optional);
        l.Filter("pluralize", (v, a, c) => Pluralize(v, c.HasArgument ? Str(a) : "s"), FilterArgument.Optional);
        l.Filter("pprint", (v, _, _) => TemplateValues.Repr(v), isSafe: true);
        return l;
    }

    /// <summary>Python's <c>str()</c>: what a <c>stringfilter</c> gives the filter.</summary>
    internal static string Str(object? value) => value switch { string s => s, SafeString s => s.Value, _ => TemplateValues.ToText(value) };

    /// <summary>Python's <c>int()</c>; throws where it raises (the filter then fails as Django's does).</summary>
    private static long Int(object? value) => TemplateValues.ToInteger(value) ?? throw new FormatException($"invalid literal for int() with base 10: {TemplateValues.Repr(value)}");

    private static IEnumerable<object?> Items(object? value) => value switch
    {
        null => [],
        string s => s.Select(c => (object?)c.ToString()),
        IEnumerable e => e.Cast<object?>(),
        _ => throw new InvalidOperationException($"'{TemplateValues.PythonType(value)}' object is not iterable"),
    };

    private static IList? Sequence(object? value) => value switch
    {
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        SafeString s => s.Value.Select(c => (object?)c.ToString()).ToList(),
        IList l => l,
        IEnumerable e => e.Cast<object?>().ToList(),
        _ => null,
    };

    private static int Length(object? value) => value switch
    {
        string s => s.Length,
        SafeString s => s.Value.Length,
        ICollection c => c.Count,
        IEnumerable e => e.Cast<object?>().Count(),
        _ => 0,
    };

    private static string Center(string s, long width)
    {
        var pad = (int)width - s.Length;
        if (pad <= 0) return s;
        var left = pad / 2 + (pad & (int)width & 1);
        return new string(' ', left) + s + new string(' ', pad - left);
    }

    private static string EscapeJs(string s)
    {
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
        {
            if (c < 32 || c is '\\' or '\'' or '"' or '>' or '<' or '&' or '=' or '-' or ';' or '`' or '\u2028' or '\u2029')
                sb.Append("\\u").Append(((int)c).ToString("X4", Inv));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"[^\w\s-]")]
    private static partial Regex NotSlug();

    [GeneratedRegex(@"[-\s]+")]
    private static partial Regex Dashes();

    /// <summary>django/utils/text.py's <c>slugify</c> (ASCII).</summary>
    internal static string Slugify(string value)
    {
        var ascii = new StringBuilder();
        foreach (var c in value)
        {
            if (c < 128) ascii.Append(c);
            else if (AsciiFold.Table.TryGetValue(c, out var folded)) ascii.Append(folded);
        }
        var s = NotSlug().Replace(ascii.ToString().ToLowerInvariant(), "");
        return Dashes().Replace(s, "-").Trim('-', '_');
    }

    /// <summary>Django's <c>title</c>: Python's <c>str.title()</c>, with a letter after an apostrophe or a digit kept lower.</summary>
    private static string Title(string value)
    {
        var sb = new StringBuilder(value.Length);
        var previousCased = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsLetter(c))
            {
                var lower = previousCased
                    || i >= 2 && value[i - 1] == '\'' && char.IsLower(sb[i - 2])
                    || i >= 1 && char.IsDigit(value[i - 1]);
                sb.Append(lower ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
                previousCased = true;
            }
            else
            {
                sb.Append(c);
                previousCased = false;
            }
        }
        return sb.ToString();
    }

    private static string TruncateChars(string text, long length)
    {
        if (length <= 0) return "";
        text = text.Normalize(NormalizationForm.FormC);
        var count = 0;
        var end = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(text[i]) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark) continue;
            count++;
            if (end < 0 && count > length - 1) end = i;
            if (count > length) return text[..end] + "…";
        }
        return text;
    }

    private static string TruncateWords(string text, long length)
    {
        if (length <= 0) return "";
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length > length) return string.Join(' ', words.Take((int)length)) + " …";
        return string.Join(' ', words);
    }

    [GeneratedRegex(@"<[^>]+?>|([^<>\s]+)", RegexOptions.Singleline)]
    private static partial Regex HtmlWords();

    [GeneratedRegex(@"<[^>]+?>|(.)", RegexOptions.Singleline)]
    private static partial Regex HtmlChars();

    [GeneratedRegex(@"^<(/)?(\S+?)(?:(\s*/)|\s.*?)?>$", RegexOptions.Singleline)]
    private static partial Regex HtmlTag();

    private static readonly HashSet<string> Html4Singlets = ["br", "col", "link", "base", "img", "param", "area", "hr", "input"];

    /// <summary>
    /// django/utils/text.py's <c>Truncator._truncate_html</c>: counts words or characters outside tags up to
    /// <paramref name="length"/>, keeps the text up to the last one counted, and closes the tags left open.
    /// </summary>
    private static string TruncateHtml(string text, int length, bool words)
    {
        if (length <= 0) return "";
        var truncate = words ? " …" : "…";
        var truncateLength = words ? length : length - 1;
        var endTextPosition = 0;
        var current = 0;
        var open = new List<string>();
        var regex = words ? HtmlWords() : HtmlChars();
        var position = 0;
        while (current <= length)
        {
            var m = regex.Match(text, position);
            if (!m.Success) break;
            position = m.Index + m.Length;
            if (m.Groups[1].Success)
            {
                current++;
                if (current == truncateLength) endTextPosition = position;
                continue;
            }
            var tag = HtmlTag().Match(m.Value);
            if (!tag.Success || current >= truncateLength) continue;
            var name = tag.Groups[2].Value.ToLowerInvariant();
            if (tag.Groups[3].Success || Html4Singlets.Contains(name)) { }
            else if (tag.Groups[1].Success)
            {
                if (open.Count > 0 && open[0] == name) open.RemoveAt(0);
            }
            else open.Insert(0, name);
        }
        if (current <= length) return text;
        var output = new StringBuilder(text, 0, endTextPosition, endTextPosition + 16).Append(truncate);
        foreach (var tag in open) output.Append("</").Append(tag).Append('>');
        return output.ToString();
    }


    private static string Wrap(string text, int width)
    {
        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var current = new StringBuilder();
            foreach (var word in line.Split(' '))
            {
                if (current.Length > 0 && current.Length + 1 + word.Length > width)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }
                else if (current.Length > 0) current.Append(' ');
                current.Append(word);
            }
            lines.Add(current.ToString());
        }
        return string.Join('\n', lines);
    }

    private static string Phone2Numeric(string phone)
    {
        var sb = new StringBuilder(phone.Length);
        foreach (var c in phone)
        {
            sb.Append(char.ToLowerInvariant(c) switch
            {
                'a' or 'b' or 'c' => '2', 'd' or 'e' or 'f' => '3', 'g' or 'h' or 'i' => '4', 'j' or 'k' or 'l' => '5', 'm' or 'n' or 'o' => '6',
                'p' or 'q' or 'r' or 's' => '7', 't' or 'u' or 'v' => '8', 'w' or 'x' or 'y' or 'z' => '9', _ => c,
            });
        }
        return sb.ToString();
    }

    private static string NormalizeNewlines(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    [GeneratedRegex("\n{2,}")]
    private static partial Regex Paragraphs();

    private static string Linebreaks(string value, bool autoescape) =>
        string.Join("\n\n", Paragraphs().Split(NormalizeNewlines(value)).Select(p => $"<p>{(autoescape ? Html.EscapeText(p) : p).Replace("\n", "<br>", StringComparison.Ordinal)}</p>"));

    private static SafeString LineNumbers(string value, bool autoescape)
    {
        var lines = value.Split('\n');
        var width = lines.Length.ToString(Inv).Length;
        return new SafeString(string.Join('\n', lines.Select((line, i) => $"{(i + 1).ToString(Inv).PadLeft(width, '0')}. {(autoescape ? Html.EscapeText(line) : line)}")));
    }

    [GeneratedRegex(@"<[a-zA-Z/!?][^>]*>")]
    private static partial Regex Tag();

    /// <summary>django/utils/html.py's <c>strip_tags</c>, repeated until nothing changes.</summary>
    private static string StripTags(string value)
    {
        while (value.Contains('<', StringComparison.Ordinal) && value.Contains('>', StringComparison.Ordinal))
        {
            var next = Tag().Replace(value, "");
            if (next == value) break;
            value = next;
        }
        return value;
    }

    private static SafeString JsonScript(object? value, object? id)
    {
        var json = PythonJson.Dumps(value)
            .Replace("<", "\\u003C", StringComparison.Ordinal).Replace(">", "\\u003E", StringComparison.Ordinal).Replace("&", "\\u0026", StringComparison.Ordinal);
        return id is null || !TemplateValues.IsTrue(id)
            ? new SafeString($"<script type=\"application/json\">{json}</script>")
            : new SafeString($"<script id=\"{Html.EscapeText(Str(id))}\" type=\"application/json\">{json}</script>");
    }


    private static object? DictSort(object? value, object? arg, bool reverse)
    {
        if (value is not IEnumerable items || value is string) return "";
        try
        {
            var key = Str(arg);
            if (key.Contains("._", StringComparison.Ordinal) || key.StartsWith('_')) return "";
            var list = items.Cast<object?>().ToList();
            var context = new Context();
            // a number is an item key (operator.itemgetter with the text): a dictionary's, never a list index
            var lookup = double.TryParse(key, NumberStyles.Float, Inv, out _) ? null : new Variable("item." + key);
            object? Key(object? item)
            {
                if (lookup is null) return item is IDictionary d && d.Contains(key) ? d[key] : throw new ArgumentException($"no item {key}");
                using var scope = context.Push(new Dictionary<string, object?> { ["item"] = item });
                var v = lookup.Resolve(context);
                return v;
            }
            var keyed = list.Select(item => (Key: Key(item), Item: item)).ToList();
            var sorted = keyed.Order(Comparer<(object? Key, object? Item)>.Create((x, y) => TemplateValues.Compare(x.Key, y.Key))).Select(k => k.Item).ToList();
            if (reverse) sorted.Reverse();
            return sorted;
        }
        catch (Exception e) when (e is VariableDoesNotExist or InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException)
        {
            return "";
        }
    }

    private static object? Join(object? value, object? separator, bool autoescape)
    {
        if (value is not IEnumerable items || value is string or SafeString) return value;
        var sb = new StringBuilder();
        if (autoescape)
        {
            var joint = Html.ConditionalEscape(separator).Value;
            var first = true;
            foreach (var item in items)
            {
                if (!first) sb.Append(joint);
                first = false;
                if (item is SafeString safe) sb.Append(safe.Value);
                else Html.AppendEscaped(sb, item as string ?? TemplateValues.ToText(item));
            }
            return new SafeString(sb.ToString());
        }
        var plainJoint = Str(separator);
        foreach (var item in items)
            if (item is not (string or SafeString)) return value; // str.join refuses what is not text
        var started = false;
        foreach (var item in items)
        {
            if (started) sb.Append(plainJoint);
            started = true;
            sb.Append(Str(item));
        }
        return new SafeString(sb.ToString());
    }

    private static object? Slice(object? value, string arg)
    {
        int?[] bits;
        try
        {
            bits = [.. arg.Split(':').Select(x => x.Length == 0 ? (int?)null : int.Parse(x.Trim(), NumberStyles.AllowLeadingSign, Inv))];
        }
        catch (FormatException) { return value; }
        catch (OverflowException) { return value; }
        if (bits.Length > 3) return value;
        var (start, stop, step) = bits.Length == 1 ? (null, bits[0], null) : (bits[0], bits[1], bits.Length > 2 ? bits[2] : null);
        if (step == 0) return value;
        switch (value)
        {
            case string s: return string.Concat(PySlice(s.Length, start, stop, step).Select(i => s[i]));
            case SafeString s: return string.Concat(PySlice(s.Value.Length, start, stop, step).Select(i => s.Value[i]));
            case IList l: return PySlice(l.Count, start, stop, step).Select(i => l[i]).ToList();
            default: return value;
        }
    }

    /// <summary>The indexes Python's <c>seq[start:stop:step]</c> takes.</summary>
    internal static IEnumerable<int> PySlice(int length, int? start, int? stop, int? step)
    {
        var s = step ?? 1;
        int Clamp(int? v, int dflt, int lo, int hi)
        {
            if (v is null) return dflt;
            var x = v.Value < 0 ? v.Value + length : v.Value;
            return Math.Clamp(x, lo, hi);
        }
        if (s > 0)
        {
            var from = Clamp(start, 0, 0, length);
            var to = Clamp(stop, length, 0, length);
            for (var i = from; i < to; i += s) yield return i;
        }
        else
        {
            var from = Clamp(start, length - 1, -1, length - 1);
            var to = Clamp(stop, -1, -1, length - 1);
            for (var i = from; i > to; i += s) yield return i;
        }
    }

    private static string UnorderedList(object? value, bool autoescape, int tabs)
    {
        var indent = new string('\t', tabs);
        var output = new List<string>();
        var items = value is IEnumerable e and not string ? e.Cast<object?>().ToList() : [value];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            object? children = null;
            if (i + 1 < items.Count && items[i + 1] is IEnumerable and not string)
            {
                children = items[i + 1];
                i++;
            }
            var sublist = "";
            if (children is not null)
                sublist = $"\n{indent}<ul>\n{UnorderedList(children, autoescape, tabs + 1)}\n{indent}</ul>\n{indent}";
            var text = autoescape ? Html.ConditionalEscape(item).Value : Str(item);
            output.Add($"{indent}<li>{text}{sublist}</li>");
        }
        return string.Join('\n', output);
    }

    private static object? Add(object? value, object? arg)
    {
        if (TemplateValues.ToInteger(value) is { } a && TemplateValues.ToInteger(arg) is { } b && !(value is string vs && !IsIntText(vs)) && !(arg is string s2 && !IsIntText(s2)))
            return a + b;
        switch (value)
        {
            case string or SafeString when arg is string or SafeString:
                var joined = Str(value) + Str(arg);
                return value is SafeString && arg is SafeString ? new SafeString(joined) : joined;
            case IList l when arg is IList r && value is not string:
                return l.Cast<object?>().Concat(r.Cast<object?>()).ToList();
            case double or float or decimal when TemplateValues.IsNumber(arg):
                return value is decimal || arg is decimal ? Convert.ToDecimal(value, Inv) + Convert.ToDecimal(arg, Inv) : Convert.ToDouble(value, Inv) + Convert.ToDouble(arg, Inv);
            case DateTime d when arg is TimeSpan t:
                return d + t;
            case DateOnly d when arg is TimeSpan t:
                return d.AddDays((int)t.TotalDays);
        }
        return "";
    }

    private static bool IsIntText(string s) => long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, Inv, out _);

    private static object? GetDigit(object? value, object? arg)
    {
        if (TemplateValues.ToInteger(arg) is not { } position || TemplateValues.ToInteger(value) is not { } number || value is string s && !IsIntText(s)) return value;
        if (position < 1) return value;
        var text = number.ToString(Inv);
        return position <= text.Length ? text[^(int)position] - '0' : 0;
    }

    private static object? YesNo(object? value, string? arg)
    {
        var bits = (arg ?? "yes,no,maybe").Split(',');
        if (bits.Length < 2) return value;
        var (yes, no, maybe) = bits.Length == 3 ? (bits[0], bits[1], bits[2]) : (bits[0], bits[1], bits[1]);
        return value is null ? maybe : TemplateValues.IsTrue(value) ? yes : no;
    }

    private static string Pluralize(object? value, string arg)
    {
        if (!arg.Contains(',', StringComparison.Ordinal)) arg = "," + arg;
        var bits = arg.Split(',');
        if (bits.Length > 2) return "";
        var (singular, plural) = (bits[0], bits[1]);
        switch (value)
        {
            case string or SafeString:
                return WidthRatioNode.TryFloat(value, out var f) ? f == 1 ? singular : plural : "";
            case bool or int or long or double or decimal or float or short or byte:
                return Convert.ToDouble(value, Inv) == 1 ? singular : plural;
            case ICollection c:
                return c.Count == 1 ? singular : plural;
            default:
                return "";
        }
    }

    /// <summary>
    /// Django's <c>floatformat</c>, on the exact decimal value as Python's <c>Decimal(str(value))</c> reads it (any size):
    /// rounded half up to the places asked, trailing zeros dropped for a negative argument, <c>g</c> to group thousands.
    /// </summary>
    private static object FloatFormat(object? text, object? arg)
    {
        var forceGrouping = false;
        if (arg is string or SafeString)
        {
            var a = Str(arg);
            if (a.EndsWith("gu", StringComparison.Ordinal) || a.EndsWith("ug", StringComparison.Ordinal)) { forceGrouping = true; arg = a.Length > 2 ? a[..^2] : "-1"; }
            else if (a.EndsWith('g')) { forceGrouping = true; arg = a.Length > 1 ? a[..^1] : "-1"; }
            else if (a.EndsWith('u')) arg = a.Length > 1 ? a[..^1] : "-1";
        }
        if ((arg is string or SafeString ? IsIntText(Str(arg)) ? TemplateValues.ToInteger(arg) : null : TemplateValues.ToInteger(arg)) is { } p0)
        {
            // the common case, a number that fits System.Decimal: the same rounding (half up) without text
            decimal? exact = text switch
            {
                decimal m => m,
                int i => i,
                long l => l,
                double d when double.IsFinite(d) && Math.Abs(d) < 1e15 && Math.Abs(d) > 1e-15 || text is 0.0 => decimal.Parse(TemplateValues.FloatRepr(d), NumberStyles.Float, Inv),
                _ => null,
            };
            if (exact is { } value && Math.Abs(p0) <= 20)
            {
                var whole = decimal.Truncate(value);
                if (whole == value && p0 <= 0) return new SafeString(Group(whole.ToString("0", Inv), forceGrouping));
                var decimals = (int)Math.Abs(p0);
                var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
                var formatted = rounded.ToString(decimals == 0 ? "0" : "F" + decimals.ToString(Inv), Inv);
                if (rounded == 0 && formatted.StartsWith('-')) formatted = formatted[1..];
                return new SafeString(Group(formatted, forceGrouping));
            }
        }
        var input = Str(text);
        if (!TryDecimal(input, out var negative, out var digits, out var exponent))
        {
            if (!WidthRatioNode.TryFloat(text, out var f) || !double.IsFinite(f) || !TryDecimal(TemplateValues.FloatRepr(f), out negative, out digits, out exponent)) return "";
        }
        if (TemplateValues.ToInteger(arg) is not { } p || arg is string sa && !IsIntText(sa)) return input;
        var fractional = exponent < 0 && digits[Math.Max(0, digits.Length + exponent)..].Any(c => c != '0');
        if (!fractional && p <= 0)
        {
            var whole = exponent >= 0 ? digits + new string('0', exponent) : digits[..Math.Max(0, digits.Length + exponent)];
            whole = whole.TrimStart('0');
            if (whole.Length == 0) whole = "0";
            return new SafeString(Group((negative && whole != "0" ? "-" : "") + whole, forceGrouping));
        }
        var places = (int)Math.Min(Math.Abs(p), 10_000);
        string quantized;
        if (exponent >= -places) quantized = digits + new string('0', exponent + places);
        else
        {
            var cut = -places - exponent;
            var keep = digits.Length - cut;
            var roundUp = keep >= 0 ? keep < digits.Length && digits[keep] >= '5' : false;
            quantized = keep > 0 ? digits[..keep] : "0";
            if (roundUp) quantized = Increment(quantized);
        }
        if (quantized.Length <= places) quantized = new string('0', places - quantized.Length + 1) + quantized;
        var number = places == 0 ? quantized : quantized[..^places] + "." + quantized[^places..];
        var intPart = number.Split('.')[0].TrimStart('0');
        number = (intPart.Length == 0 ? "0" : intPart) + (places == 0 ? "" : number[number.IndexOf('.', StringComparison.Ordinal)..]);
        var zero = quantized.All(c => c == '0');
        return new SafeString(Group((negative && !zero ? "-" : "") + number, forceGrouping));
    }

    /// <summary>Python's <c>Decimal(text)</c>: sign, digits and exponent (value = digits × 10^exponent); false for what it refuses or for infinities.</summary>
    private static bool TryDecimal(string text, out bool negative, out string digits, out int exponent)
    {
        negative = false;
        digits = "";
        exponent = 0;
        var match = Regex.Match(text.Trim(), @"^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$");
        if (!match.Success || match.Groups[2].Length + match.Groups[3].Length == 0) return false;
        negative = match.Groups[1].Value == "-";
        digits = match.Groups[2].Value + match.Groups[3].Value;
        exponent = -match.Groups[3].Length + (match.Groups[4].Success ? int.Parse(match.Groups[4].Value, Inv) : 0);
        var trimmed = digits.TrimStart('0');
        digits = trimmed.Length == 0 ? "0" : trimmed;
        return true;
    }

    private static string Increment(string digits)
    {
        var chars = digits.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < '9') { chars[i]++; return new string(chars); }
            chars[i] = '0';
        }
        return "1" + new string(chars);
    }

    private static string Group(string number, bool force)
    {
        if (!force) return number;
        var negative = number.StartsWith('-');
        var body = negative ? number[1..] : number;
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? body : body[..dot];
        var sb = new StringBuilder();
        for (var i = 0; i < intPart.Length; i++)
        {
            if (i > 0 && (intPart.Length - i) % 3 == 0) sb.Append(',');
            sb.Append(intPart[i]);
        }
        return (negative ? "-" : "") + sb + (dot < 0 ? "" : body[dot..]);
    }

    private static string FileSizeFormat(object? value)
    {
        const string nbsp = "\u00a0";
        long bytes;
        if (TemplateValues.ToInteger(value) is { } n && !(value is string s && !IsIntText(s))) bytes = n;
        else return "0" + nbsp + "bytes";
        var negative = bytes < 0;
        var size = Math.Abs((double)bytes);
        string text;
        string Number(double v) => Math.Round(v, 1, MidpointRounding.ToEven).ToString("0.0", Inv);
        if (size < 1024) text = $"{(long)size}{nbsp}{(size == 1 ? "byte" : "bytes")}";
        else if (size < 1 << 20) text = $"{Number(size / 1024)}{nbsp}KB";
        else if (size < 1 << 30) text = $"{Number(size / (1 << 20))}{nbsp}MB";
        else if (size < 1L << 40) text = $"{Number(size / (1L << 30))}{nbsp}GB";
        else if (size < 1L << 50) text = $"{Number(size / (1L << 40))}{nbsp}TB";
        else text = $"{Number(size / (1L << 50))}{nbsp}PB";
        return negative ? "-" + text : text;
    }

    private static string DateFilter(object? value, string? format, string fallback)
    {
        if (value is null || value is string { Length: 0 }) return "";
        if (value is not (DateTime or DateTimeOffset or DateOnly or TimeOnly)) return "";
        return DateFormat.Format(value, DateFormat.Named(format ?? fallback));
    }

    private static string TimeFilter(object? value, string? format)
    {
        if (value is null || value is string { Length: 0 }) return "";
        if (value is not (DateTime or DateTimeOffset or TimeOnly)) return "";
        var f = DateFormat.Named(format ?? DateFormat.TimeFormat);
        // Django's TimeFormat has no date specifiers: the filter then fails quietly
        return DateFormat.HasDateSpecifier(f) ? "" : DateFormat.Format(value, f);
    }

    /// <summary>Python's <c>%</c> formatting of one value: <c>stringformat</c>'s argument is the conversion without its <c>%</c>.</summary>
    private static string StringFormat(object? value, string spec)
    {
        var match = Regex.Match(spec, @"^([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdiroxXeEfFgGc%])$");
        if (!match.Success) return "";
        var flags = match.Groups[1].Value;
        var width = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, Inv) : 0;
        int? precision = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, Inv) : null;
        var conversion = match.Groups[4].Value[0];
        string body;
        try
        {
            switch (conversion)
            {
                case 's': body = Str(value); if (precision is { } ps && ps < body.Length) body = body[..ps]; break;
                case 'r': body = TemplateValues.Repr(value); if (precision is { } pr && pr < body.Length) body = body[..pr]; break;
                case 'd' or 'i':
                    if (value is string or SafeString or null) return "";
                    body = TemplateValues.ToInteger(value)!.Value.ToString(Inv);
                    break;
                case 'x' or 'X' or 'o':
                    if (!TemplateValues.IsInteger(value) && value is not bool) return "";
                    var n = TemplateValues.ToInteger(value)!.Value;
                    body = conversion == 'o' ? Convert.ToString(Math.Abs(n), 8) : Math.Abs(n).ToString(conversion == 'x' ? "x" : "X", Inv);
                    if (flags.Contains('#', StringComparison.Ordinal)) body = (conversion == 'o' ? "0o" : conversion == 'x' ? "0x" : "0X") + body;
                    if (n < 0) body = "-" + body;
                    break;
                case 'e' or 'E' or 'f' or 'F' or 'g' or 'G':
                    if (!WidthRatioNode.TryFloat(value, out var f) || value is string or SafeString) return "";
                    var p = precision ?? 6;
                    body = conversion switch
                    {
                        'f' or 'F' => f.ToString("F" + p, Inv),
                        'e' or 'E' => PyExponent(f, p, conversion),
                        _ => PyGeneral(f, p == 0 ? 1 : p, conversion, flags.Contains('#', StringComparison.Ordinal)),
                    };
                    break;
                case 'c': body = value is string cs && cs.Length == 1 ? cs : ((char)TemplateValues.ToInteger(value)!.Value).ToString(); break;
                default: return ""; // "%%" % value: not all arguments converted
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            return "";
        }
        if (conversion is 'd' or 'i' or 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or 'x' or 'X' or 'o' && !body.StartsWith('-'))
        {
            if (flags.Contains('+', StringComparison.Ordinal)) body = "+" + body;
            else if (flags.Contains(' ', StringComparison.Ordinal)) body = " " + body;
        }
        if (body.Length < width)
        {
            if (flags.Contains('-', StringComparison.Ordinal)) body = body.PadRight(width);
            else if (flags.Contains('0', StringComparison.Ordinal) && conversion is not ('s' or 'r' or 'c'))
            {
                var sign = body.Length > 0 && body[0] is '-' or '+' or ' ' ? body[..1] : "";
                body = sign + body[sign.Length..].PadLeft(width - sign.Length, '0');
            }
            else body = body.PadLeft(width);
        }
        return body;
    }

    private static string PyExponent(double f, int precision, char conversion)
    {
        var s = f.ToString((conversion == 'e' ? "e" : "E") + precision, Inv);
        // .NET writes e+006; Python e+06
        var at = s.IndexOfAny(['e', 'E']);
        var exponent = int.Parse(s[(at + 1)..], NumberStyles.AllowLeadingSign, Inv);
        return s[..(at + 1)] + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", Inv);
    }

    private static string PyGeneral(double f, int precision, char conversion, bool alternate)
    {
        if (f == 0) return "0";
        var exponent = (int)Math.Floor(Math.Log10(Math.Abs(f)));
        string s;
        if (exponent < -4 || exponent >= precision)
        {
            s = PyExponent(f, precision - 1, conversion == 'g' ? 'e' : 'E');
            if (!alternate)
            {
                var at = s.IndexOfAny(['e', 'E']);
                var mantissa = s[..at];
                if (mantissa.Contains('.', StringComparison.Ordinal)) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
                s = mantissa + s[at..];
            }
        }
        else
        {
            s = f.ToString("F" + Math.Max(precision - 1 - exponent, 0), Inv);
            if (!alternate && s.Contains('.', StringComparison.Ordinal)) s = s.TrimEnd('0').TrimEnd('.');
        }
        return s;
    }
}
