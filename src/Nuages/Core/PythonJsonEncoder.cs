using System.Text.Encodings.Web;

namespace Nuages.Core;

/// <summary>
/// Escapes as Python's <c>json.dumps(ensure_ascii=True)</c>: everything outside printable ASCII, plus
/// quote and backslash; <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and <c>'</c> stay as they are.
/// </summary>
internal sealed class PythonJsonEncoder : JavaScriptEncoder
{
    public static readonly PythonJsonEncoder Instance = new();

    public override int MaxOutputCharactersPerInputCharacter => 12; // a surrogate pair: \ud83d\ude00

    public override bool WillEncode(int unicodeScalar) => unicodeScalar < 0x20 || unicodeScalar > 0x7E || unicodeScalar is '"' or '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            var c = text[i];
            if (c < 0x20 || c > 0x7E || c is '"' or '\\') return i;
        }
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        string escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            < 0x10000 => "\\u" + unicodeScalar.ToString("x4"),
            _ => Surrogates(unicodeScalar),
        };
        if (escaped.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        for (var i = 0; i < escaped.Length; i++) buffer[i] = escaped[i];
        numberOfCharactersWritten = escaped.Length;
        return true;
    }

    private static string Surrogates(int scalar)
    {
        var rune = new System.Text.Rune(scalar);
        Span<char> pair = stackalloc char[2];
        rune.EncodeToUtf16(pair);
        return $"\\u{(int)pair[0]:x4}\\u{(int)pair[1]:x4}";
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        for (var i = 0; i < utf8Text.Length; i++)
        {
            var b = utf8Text[i];
            if (b < 0x20 || b > 0x7E || b is (byte)'"' or (byte)'\\') return i;
        }
        return -1;
    }
}
