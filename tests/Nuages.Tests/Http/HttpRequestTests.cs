using System.Text;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;
using Nuages.Test;

namespace Nuages.Tests.Http;

public class HttpRequestTests
{
    private static readonly Settings Debug = new() { Debug = true };

    [Fact]
    public void Query_and_headers_are_parsed_lazily_and_case_insensitively()
    {
        var request = new RequestFactory(Debug).Get("/search/", new { q = "nuages", tag = new[] { "a", "b" } }, new Dictionary<string, string> { ["X-Custom"] = "v" });
        Assert.Equal("GET", request.Method);
        Assert.Equal("/search/", request.Path);
        Assert.Equal("nuages", request.Query["q"]);
        Assert.Equal(["a", "b"], request.Query.GetList("tag"));
        Assert.Equal("v", request.Headers["x-custom"]);
        Assert.Equal("v", request.Meta["HTTP_X_CUSTOM"]);
        Assert.Equal("q=nuages&tag=a&tag=b", request.QueryString);
    }

    [Fact]
    public void Form_fields_of_a_urlencoded_post()
    {
        var request = new RequestFactory(Debug).Post("/", "a=1&b=caf%C3%A9", "application/x-www-form-urlencoded");
        Assert.Equal("1", request.Form["a"]);
        Assert.Equal("café", request.Form["b"]);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
    }

    [Fact]
    public void Form_is_empty_for_other_methods_as_in_django()
    {
        var request = new RequestFactory(Debug).Put("/", "a=1", "application/x-www-form-urlencoded");
        Assert.Equal(0, request.Form.Count);
        Assert.Equal("a=1", Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public void Multipart_fields_and_files()
    {
        var request = new RequestFactory(Debug).Post("/upload/", new Dictionary<string, object?>
        {
            ["title"] = "Hello",
            ["doc"] = new TestFile("notes.txt", "line 1\r\nline 2"u8.ToArray(), "text/plain"),
        });
        Assert.Equal("Hello", request.Form["title"]);
        var file = request.Files["doc"];
        Assert.Equal("notes.txt", file.Name);
        Assert.Equal("text/plain", file.ContentType);
        Assert.Equal("line 1\r\nline 2", Encoding.UTF8.GetString(file.Content.Span));
        Assert.Equal(14, file.Size);
    }

    [Fact]
    public void Malformed_multipart_is_a_MultiPartParserError()
    {
        var request = new RequestFactory(Debug).Post("/", "garbage without boundary", "multipart/form-data; boundary=XYZ");
        Assert.Throws<MultiPartParserError>(() => request.Form);
        var noBoundary = new RequestFactory(Debug).Post("/", "x", "multipart/form-data");
        Assert.Equal("Invalid boundary in multipart: null", Assert.Throws<MultiPartParserError>(() => noBoundary.Form).Message);
        // an empty body is an empty form, as Django's parser answers Content-Length 0 (a POST of a button alone)
        var empty = new RequestFactory(Debug).Post("/", "", "multipart/form-data; boundary=XYZ");
        Assert.Empty(empty.Form);
        Assert.Empty(empty.Files);
        Assert.Equal("Invalid boundary in multipart: null", Assert.Throws<MultiPartParserError>(() => new RequestFactory(Debug).Post("/", "", "multipart/form-data").Form).Message);
    }

    [Fact]
    public void Too_many_fields_is_TooManyFieldsSent()
    {
        var settings = new Settings { Debug = true, DataUploadMaxNumberFields = 3 };
        var request = new RequestFactory(settings).Get("/?a=1&b=2&c=3&d=4");
        var error = Assert.Throws<TooManyFieldsSent>(() => request.Query);
        Assert.Equal(Nuages.Http.RequestLimitMessages.TooManyFields, error.Message);
    }

    [Fact]
    public void Too_much_form_data_is_RequestDataTooBig()
    {
        var settings = new Settings { Debug = true, DataUploadMaxMemorySize = 10 };
        var request = new RequestFactory(settings).Post("/", "field=0123456789abcdef", "application/x-www-form-urlencoded");
        Assert.Throws<RequestDataTooBig>(() => request.Form);
    }

    [Fact]
    public void Cookies_are_parsed_as_django_parse_cookie_does()
    {
        var request = new RequestFactory(Debug).Get("/", headers: new Dictionary<string, string> { ["Cookie"] = "a=1; b=\"quoted value\"; flag; c=x=y" });
        Assert.Equal("1", request.Cookies["a"]);
        Assert.Equal("quoted value", request.Cookies["b"]);
        Assert.Equal("flag", request.Cookies[""]);
        Assert.Equal("x=y", request.Cookies["c"]);
    }

    [Fact]
    public void Host_validation_follows_allowed_hosts()
    {
        var settings = new Settings { AllowedHosts = [".example.com", "exact.test"] };
        var factory = new RequestFactory(settings);
        Assert.Equal("www.example.com", factory.Get("/", headers: new Dictionary<string, string> { ["Host"] = "www.example.com" }).GetHost());
        Assert.Equal("example.com:8080", factory.Get("/", headers: new Dictionary<string, string> { ["Host"] = "example.com:8080" }).GetHost());
        Assert.Equal("exact.test", factory.Get("/", headers: new Dictionary<string, string> { ["Host"] = "exact.test" }).GetHost());
        var error = Assert.Throws<DisallowedHost>(() => factory.Get("/", headers: new Dictionary<string, string> { ["Host"] = "evil.com" }).GetHost());
        Assert.Equal("Invalid HTTP_HOST header: 'evil.com'. You may need to add 'evil.com' to ALLOWED_HOSTS.", error.Message);
        var invalid = Assert.Throws<DisallowedHost>(() => factory.Get("/", headers: new Dictionary<string, string> { ["Host"] = "bad host!" }).GetHost());
        Assert.Contains("not valid according to RFC 1034/1035", invalid.Message);
    }

    [Fact]
    public void Debug_allows_localhost_when_allowed_hosts_is_empty()
    {
        var factory = new RequestFactory(new Settings { Debug = true });
        Assert.Equal("localhost:8000", factory.Get("/", headers: new Dictionary<string, string> { ["Host"] = "localhost:8000" }).GetHost());
        Assert.Equal("[::1]", factory.Get("/", headers: new Dictionary<string, string> { ["Host"] = "[::1]" }).GetHost());
        Assert.Throws<DisallowedHost>(() => factory.Get("/", headers: new Dictionary<string, string> { ["Host"] = "example.com" }).GetHost());
    }

    [Fact]
    public void Absolute_uris_and_full_paths()
    {
        var request = new RequestFactory(Debug).Get("/caf%C3%A9/page/?x=1", secure: true);
        Assert.Equal("/café/page/", request.Path);
        Assert.Equal("/caf%C3%A9/page/?x=1", request.GetFullPath());
        Assert.True(request.IsSecure);
        Assert.Equal("https://testserver/caf%C3%A9/page/?x=1", request.BuildAbsoluteUri());
        Assert.Equal("https://testserver/other/", request.BuildAbsoluteUri("/other/"));
        Assert.Equal("https://testserver/caf%C3%A9/page/next/", request.BuildAbsoluteUri("next/"));
        Assert.Equal("http://elsewhere.test/x", request.BuildAbsoluteUri("http://elsewhere.test/x"));
    }

    [Fact]
    public void Content_type_parameters()
    {
        var request = new RequestFactory(Debug).Post("/", "{}", "application/json; charset=\"utf-8\"");
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("utf-8", request.ContentParams["charset"]);
    }

    [Fact]
    public void Items_hold_per_request_attributes()
    {
        var request = new RequestFactory(Debug).Get("/");
        request.Items["user"] = "alice";
        Assert.Equal("alice", request.Items["user"]);
    }

    [Fact]
    public void Script_name_is_removed_from_path_info_as_a_plain_prefix() // as django/core/handlers/asgi.py does
    {
        var request = new RequestFactory(new Settings { Debug = true, ForceScriptName = "/FORCED_PREFIX" }).Get("/FORCED_PREFIX/somepath/");
        Assert.Equal("/FORCED_PREFIX/somepath/", request.Path);
        Assert.Equal("/FORCED_PREFIX", request.ScriptName);
        Assert.Equal("/somepath/", request.PathInfo);
        Assert.Equal("/FORCED_PREFIX", request.Meta["SCRIPT_NAME"]);
        Assert.Equal("/somepath/", request.Meta["PATH_INFO"]);
    }

    [Fact]
    public void Meta_maps_content_headers_and_http_headers() // as django/core/handlers/asgi.py does
    {
        var request = new RequestFactory(Debug).Post("/", "x", "text/plain; charset=utf-8", new Dictionary<string, string> { ["Referer"] = "Scotland", ["Accept-Language"] = "fr" });
        Assert.Equal("text/plain; charset=utf-8", request.Meta["CONTENT_TYPE"]);
        Assert.Equal("1", request.Meta["CONTENT_LENGTH"]);
        Assert.Equal("Scotland", request.Meta["HTTP_REFERER"]);
        Assert.Equal("fr", request.Meta["HTTP_ACCEPT_LANGUAGE"]);
        Assert.Contains("HTTP_ACCEPT_LANGUAGE", request.Meta.Keys);
        Assert.Contains("CONTENT_TYPE", request.Meta.Keys);
        Assert.DoesNotContain("HTTP_CONTENT_TYPE", request.Meta.Keys);
    }

    [Fact]
    public void Meta_gives_the_connection_facts() // as django/core/handlers/asgi.py does
    {
        var request = new RequestFactory(Debug).Get("/");
        Assert.Equal("127.0.0.1", request.Meta["REMOTE_ADDR"]);
        Assert.Equal("127.0.0.1", request.Meta["REMOTE_HOST"]);
        Assert.Equal("testserver", request.Meta["SERVER_NAME"]);
        Assert.Equal("80", request.Meta["SERVER_PORT"]);
        Assert.Equal("GET", request.Meta["REQUEST_METHOD"]);
    }
}
