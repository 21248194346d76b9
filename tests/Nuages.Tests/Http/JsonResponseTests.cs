using Nuages.Http;

namespace Nuages.Tests.Http;

public class JsonResponseTests
{
    [Fact]
    public void Lays_out_json_as_django_does()
    {
        var response = new JsonResponse(new { decorator = "none", mode = "sync", list = new[] { 1, 2 }, nested = new { a = "x:y, z" } });
        Assert.Equal("application/json", response["Content-Type"]);
        Assert.Equal("{\"decorator\": \"none\", \"mode\": \"sync\", \"list\": [1, 2], \"nested\": {\"a\": \"x:y, z\"}}", response.Text);
    }

    [Fact]
    public void Escapes_as_python_ensure_ascii()
    {
        var response = new JsonResponse(new Dictionary<string, object> { ["k"] = "é<>&'\"\\\n😀" });
        Assert.Equal("{\"k\": \"\\u00e9<>&'\\\"\\\\\\n\\ud83d\\ude00\"}", response.Text);
    }

    [Fact]
    public void Non_objects_need_safe_false()
    {
        var error = Assert.Throws<ArgumentException>(() => new JsonResponse(new[] { 1, 2 }));
        Assert.StartsWith("In order to allow non-dict objects to be serialized set the safe parameter to False.", error.Message);
        Assert.Throws<ArgumentException>(() => new JsonResponse("text"));
        Assert.Throws<ArgumentException>(() => new JsonResponse(null));
        Assert.Equal("[1, 2]", new JsonResponse(new[] { 1, 2 }, safe: false).Text);
        Assert.Equal("null", new JsonResponse(null, safe: false).Text);
        // JSON trees: an object is a dict, an array is not
        Assert.Equal("{\"a\": [1, 2]}", new JsonResponse(System.Text.Json.Nodes.JsonNode.Parse("{\"a\":[1,2]}")).Text);
        Assert.Throws<ArgumentException>(() => new JsonResponse(System.Text.Json.Nodes.JsonNode.Parse("[1]")));
    }
}
