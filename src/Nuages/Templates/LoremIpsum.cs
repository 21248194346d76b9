namespace Nuages.Templates;

/// <summary>django/utils/lorem_ipsum.py: the common paragraph and words, and random Latin from its word list.</summary>
internal static class LoremIpsum
{
    public const string CommonParagraph =
        "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. " +
        "Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. " +
        "Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. " +
        "Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.";

    private static readonly string[] CommonWords =
        ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipisicing", "elit", "sed", "do", "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua"];

    private static readonly string[] Words2 =
    [
        "exercitationem", "perferendis", "perspiciatis", "laborum", "eveniet", "sunt", "iure", "nam", "nobis", "eum", "cum", "officiis", "excepturi",
        "odio", "consectetur", "quasi", "aut", "quisquam", "vel", "eligendi", "itaque", "non", "odit", "tempore", "quaerat", "dignissimos",
        "facilis", "neque", "nihil", "expedita", "vitae", "vero", "ipsum", "nisi", "animi", "cumque", "pariatur", "velit", "modi", "natus",
        "iusto", "eaque", "sequi", "illo", "sed", "ex", "et", "voluptatibus", "tempora", "veritatis", "ratione", "assumenda", "incidunt",
        "nostrum", "placeat", "aliquid", "fuga", "provident", "praesentium", "rem", "necessitatibus", "suscipit", "adipisci", "quidem",
        "possimus", "voluptas", "debitis", "sint", "accusantium", "unde", "sapiente", "voluptate", "qui", "aspernatur", "laudantium",
        "soluta", "amet", "quo", "aliquam", "saepe", "culpa", "libero", "ipsa", "dicta", "reiciendis", "nesciunt", "doloribus", "autem",
        "impedit", "minima", "maiores", "repudiandae", "ipsam", "obcaecati", "ullam", "enim", "totam", "delectus", "ducimus", "quis",
        "voluptates", "dolores", "molestiae", "harum", "dolorem", "quia", "voluptatem", "molestias", "magni", "distinctio", "omnis",
        "illum", "dolorum", "voluptatum", "ea", "quas", "quam", "corporis", "quae", "blanditiis", "atque", "deserunt", "laboriosam",
        "earum", "consequuntur", "hic", "cupiditate", "quibusdam", "accusamus", "ut", "rerum", "error", "minus", "eius", "ab", "ad", "nemo",
        "fugit", "officia", "at", "in", "id", "quos", "reprehenderit", "numquam", "iste", "fugiat", "sit", "inventore", "beatae", "repellendus",
        "magnam", "recusandae", "quod", "explicabo", "doloremque", "aperiam", "consequatur", "asperiores", "commodi", "optio", "dolor",
        "labore", "temporibus", "repellat", "veniam", "architecto", "est", "esse", "mollitia", "nulla", "a", "similique", "eos", "alias",
        "dolore", "tenetur", "deleniti", "porro", "facere", "maxime", "corrupti",
    ];

    public static string Words(int count, bool common)
    {
        var words = common ? CommonWords.ToList() : [];
        if (count > words.Count)
        {
            count -= words.Count;
            while (count > 0)
            {
                var take = Math.Min(count, Words2.Length);
                count -= take;
                words.AddRange(Words2.OrderBy(_ => Random.Shared.Next()).Take(take));
            }
        }
        else words = words.Take(Math.Max(count, 0)).ToList();
        return string.Join(' ', words);
    }

    public static IEnumerable<string> Paragraphs(int count, bool common)
    {
        for (var i = 0; i < count; i++) yield return common && i == 0 ? CommonParagraph : Paragraph();
    }

    private static string Sentence()
    {
        var sections = Enumerable.Range(0, Random.Shared.Next(1, 6)).Select(_ => string.Join(' ', Words2.OrderBy(_ => Random.Shared.Next()).Take(Random.Shared.Next(3, 13))));
        var s = string.Join(", ", sections);
        return char.ToUpperInvariant(s[0]) + s[1..] + (Random.Shared.Next(2) == 0 ? "?" : ".");
    }

    private static string Paragraph() => string.Join(' ', Enumerable.Range(0, Random.Shared.Next(1, 5)).Select(_ => Sentence()));
}
