using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Nuages.Http;

/// <summary>
/// The name of an uploaded file as Django keeps it: <c>MultiPartParser.sanitize_file_name</c>
/// (django/http/multipartparser.py, the CVE-2021-31542 fix) then <c>UploadedFile._set_name</c>
/// (django/core/files/uploadedfile.py). HTML character references are decoded first (browsers send
/// <c>&amp;#x2F;</c> for a slash), everything up to the last <c>/</c> or <c>\</c> is dropped, characters
/// Python's <c>str.isprintable</c> refuses (controls, NUL, format and separator characters but the space)
/// are removed, and <c>""</c>, <c>.</c> and <c>..</c> leave no name at all: such a file is skipped.
/// </summary>
internal static partial class UploadedFileName
{
    /// <summary>The longest name kept; a longer one is cut, keeping its extension (Django's 255).</summary>
    public const int MaxLength = 255;

    /// <summary>The name to keep, or null when nothing safe is left.</summary>
    public static string? Sanitize(string fileName)
    {
        var name = HtmlUnescape(fileName);
        name = name[(name.LastIndexOf('/') + 1)..];
        name = name[(name.LastIndexOf('\\') + 1)..];
        name = RemoveNonPrintable(name);
        if (name is "" or "." or "..") return null;
        return Truncate(name);
    }

    /// <summary>Python's <c>str.isprintable</c>, character by character: what is not printable goes.</summary>
    private static string RemoveNonPrintable(string name)
    {
        StringBuilder? kept = null;
        var index = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (IsPrintable(rune))
            {
                kept?.Append(rune.ToString());
            }
            else if (kept is null)
            {
                kept = new StringBuilder(name.Length).Append(name, 0, index);
            }
            index += rune.Utf16SequenceLength;
        }
        return kept?.ToString() ?? name;
    }

    private static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };

    /// <summary>Django's <c>UploadedFile._set_name</c>: at most 255 characters, the extension kept.</summary>
    private static string Truncate(string name)
    {
        if (name.Length <= MaxLength) return name;
        // os.path.splitext: the extension starts at the last dot, unless only dots come before it.
        var dot = name.LastIndexOf('.');
        var ext = dot > 0 && name[..dot].TrimStart('.').Length > 0 ? name[dot..] : "";
        if (ext.Length > MaxLength) ext = ext[..MaxLength];
        return name[..(MaxLength - ext.Length)] + ext;
    }

    // Python's html.unescape: the references it decodes (numeric with or without ';', named ones).
    [GeneratedRegex(@"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)", RegexOptions.CultureInvariant)]
    private static partial Regex CharReference();

    // Python's html._invalid_charrefs for 0x80–0x9F: the windows-1252 characters browsers mean by them.
    private const string Windows1252 = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

    /// <summary>
    /// Python's <c>html.unescape</c> for numeric references (its rules for NUL, surrogates, out-of-range and
    /// windows-1252 numbers), and named references ending in <c>;</c> through <see cref="WebUtility.HtmlDecode(string)"/>.
    /// </summary>
    internal static string HtmlUnescape(string text)
    {
        if (!text.Contains('&')) return text;
        return CharReference().Replace(text, static match =>
        {
            var reference = match.Groups[1].Value;
            if (reference[0] != '#') return reference.EndsWith(';') ? WebUtility.HtmlDecode(match.Value) : match.Value;
            var hex = reference.Length > 1 && reference[1] is 'x' or 'X';
            var digits = reference[(hex ? 2 : 1)..].TrimEnd(';');
            if (!TryParseCodePoint(digits, hex, out var number)) return "\uFFFD";
            if (number == 0) return "\uFFFD";
            if (number == 0x0D) return "\r";
            if (number is >= 0x80 and <= 0x9F) return Windows1252[(int)number - 0x80].ToString();
            if (number is >= 0xD800 and <= 0xDFFF or > 0x10FFFF) return "\uFFFD";
            return char.ConvertFromUtf32((int)number);
        });
    }

    /// <summary>Parses a reference's number; one beyond Unicode (however many digits) is out of range.</summary>
    private static bool TryParseCodePoint(string digits, bool hex, out long number)
    {
        number = 0;
        foreach (var c in digits)
        {
            number = number * (hex ? 16 : 10) + (char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10); // the pattern admits only hex digits
            if (number > 0x10FFFF) return false;
        }
        return true;
    }
}
