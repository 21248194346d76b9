using Nuages.Db.Models;

namespace Nuages.Tests.Db;

public sealed class HTMLPage : Model<HTMLPage>
{
    public int NComments { get; set; }
    public int HTTPStatus { get; set; }
    public string URLPath { get; set; } = "";
    public int Page2Count { get; set; }
}

/// <summary>One snake_case conversion everywhere, .NET's JsonNamingPolicy.SnakeCaseLower: acronyms stay whole.</summary>
public class NamingTests
{
    [Theory]
    [InlineData("Name", "name")]
    [InlineData("FirstName", "first_name")]
    [InlineData("NComments", "n_comments")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("HTMLPage", "html_page")]
    [InlineData("URLPath", "url_path")]
    [InlineData("IOStream", "io_stream")]
    [InlineData("Page2Count", "page2_count")]
    [InlineData("UTF8Text", "utf8_text")]
    [InlineData("Id", "id")]
    [InlineData("ID", "id")]
    [InlineData("isActive", "is_active")]
    public void Names_convert_as_JsonNamingPolicy_SnakeCaseLower(string name, string snake)
    {
        Assert.Equal(snake, ModelMeta.SnakeCase(name));
        Assert.Equal(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name), snake);
    }

    [Fact]
    public void Tables_columns_and_lookup_keys_use_it()
    {
        var meta = ModelMeta.For(typeof(HTMLPage));
        Assert.Equal("html_page", meta.Table);
        Assert.Equal(["n_comments", "http_status", "url_path", "page2_count", "id"], meta.Fields.Select(f => f.Column));
        Assert.Equal("n_comments", meta.Field("n_comments").Key);
    }
}
