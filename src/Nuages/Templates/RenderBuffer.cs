using System.Text;

namespace Nuages.Templates;

/// <summary>
/// The builder a render writes into, kept per thread between renders: a page's output is copied once, into the
/// string or the response's bytes, instead of into a builder made for each render and then into those. A render
/// that starts while another holds the thread's builder (a tag rendering another template) gets a builder of its own.
/// </summary>
internal static class RenderBuffer
{
    // a builder larger than this after a render is dropped rather than kept by the thread (pages are rarely larger)
    private const int MostKept = 64 * 1024;

    [ThreadStatic]
    private static StringBuilder? t_spare;

    /// <summary>An empty builder: the thread's spare, else a new one of <paramref name="capacity"/>.</summary>
    public static StringBuilder Take(int capacity)
    {
        var spare = t_spare;
        if (spare is null) return new StringBuilder(capacity);
        t_spare = null;
        return spare;
    }

    // the builder back (emptied) for the next render on this thread; one that is never given back (a render that
    // failed) is simply left to the collector
    private static void Give(StringBuilder builder)
    {
        if (builder.Capacity > MostKept) return;
        builder.Clear();
        t_spare = builder;
    }

    /// <summary>The rendered text as a string; the builder goes back to the thread.</summary>
    public static string Finish(StringBuilder text)
    {
        var page = text.ToString();
        Give(text);
        return page;
    }

    /// <summary>The rendered text in <paramref name="encoding"/>, with no string made of it; the builder goes back to the thread.</summary>
    public static byte[] Finish(StringBuilder text, Encoding encoding)
    {
        var bytes = Encode(text, encoding);
        Give(text);
        return bytes;
    }

    private static byte[] Encode(StringBuilder text, Encoding encoding)
    {
        if (text.Length == 0) return [];
        var chunks = text.GetChunks();
        if (!chunks.MoveNext()) return [];
        var first = chunks.Current;
        if (first.Length == text.Length)
        {
            var bytes = new byte[encoding.GetByteCount(first.Span)];
            encoding.GetBytes(first.Span, bytes);
            return bytes;
        }
        return encoding.GetBytes(text.ToString()); // several chunks: a character pair may straddle two
    }
}
