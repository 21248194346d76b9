using System.Text;
using Nuages.Http;

namespace Nuages.Tests.Http;

public class QueryDictTests
{
    [Fact]
    public void Keeps_every_value_and_answers_the_last()
    {
        var q = new QueryDict("a=1&a=2&b=&c");
        Assert.Equal("2", q["a"]);
        Assert.Equal(["1", "2"], q.GetList("a"));
        Assert.Equal("", q["b"]);
        Assert.Equal("", q["c"]);
        Assert.Equal(["a", "b", "c"], q.Keys);
    }

    [Fact]
    public void Decodes_percent_escapes_and_plus_and_replaces_bad_utf8()
    {
        var q = new QueryDict("name=caf%C3%A9+au+lait&bad=%FF&emoji=%F0%9F%98%80");
        Assert.Equal("café au lait", q["name"]);
        Assert.Equal("\uFFFD", q["bad"]);
        Assert.Equal("😀", q["emoji"]);
    }

    [Fact]
    public void Semicolons_do_not_separate_fields()
    {
        var q = new QueryDict("a=1;b=2");
        Assert.Equal("1;b=2", q["a"]);
    }

    [Fact]
    public void A_missing_key_names_itself_and_the_fields_present()
    {
        var q = new QueryDict("a=1");
        var error = Assert.Throws<KeyNotFoundException>(() => q["zzz"]);
        Assert.Contains("'zzz'", error.Message);
        Assert.Null(q.Get("zzz"));
        Assert.Equal("d", q.Get("zzz", "d"));
    }

    [Fact]
    public void Request_dicts_are_immutable_and_copies_are_not()
    {
        var request = new Nuages.Test.RequestFactory().Get("/?a=1");
        Assert.Throws<InvalidOperationException>(() => request.Query.AppendList("a", "2"));
        var copy = request.Query.Copy();
        copy.AppendList("a", "2");
        Assert.Equal("a=1&a=2", copy.UrlEncode());
    }

    [Fact]
    public void Latin1_encoding_is_honoured()
    {
        var q = new QueryDict("x=%E9", Encoding.Latin1);
        Assert.Equal("é", q["x"]);
    }
}
