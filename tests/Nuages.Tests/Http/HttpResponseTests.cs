using System.Text;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Tests.Http;

public class HttpResponseTests
{
    [Fact]
    public void Defaults_to_html_in_the_default_charset()
    {
        var response = new HttpResponse("Héllo");
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("OK", response.ReasonPhrase);
        Assert.Equal("text/html; charset=utf-8", response["Content-Type"]);
        Assert.Equal(Encoding.UTF8.GetBytes("Héllo"), response.Content);
    }

    [Fact]
    public void Charset_comes_from_the_content_type()
    {
        var response = new HttpResponse("é", "text/plain; charset=iso-8859-1");
        Assert.Equal("iso-8859-1", response.Charset);
        Assert.Equal([0xE9], response.Content);
        Assert.Equal("é", response.Text);
    }

    [Fact]
    public void Each_response_has_its_own_content_types_charset_whatever_came_before()
    {
        foreach (var (type, charset, body) in new[]
        {
            ("text/plain; charset=iso-8859-1", "iso-8859-1", new byte[] { 0xE9 }), ("text/plain", "utf-8", [0xC3, 0xA9]),
            ("text/plain; charset=iso-8859-1", "iso-8859-1", [0xE9]), ("text/csv; charset=UTF-16BE", "UTF-16BE", [0x00, 0xE9]),
            ("text/plain; charset=iso-8859-1", "iso-8859-1", [0xE9]),
        })
        {
            var response = new HttpResponse("é", type);
            Assert.Equal(charset, response.Charset);
            Assert.Equal(body, response.Content);
            response.Headers["Content-Type"] = "text/plain; charset=utf-8"; // a header changed after: read anew
            Assert.Equal("utf-8", response.Charset);
        }
    }

    [Fact]
    public void Headers_are_case_insensitive_keep_their_case_and_order()
    {
        var response = new HttpResponse();
        response["X-First"] = "1";
        response["cache-control"] = "no-cache";
        response["X-FIRST"] = "2";
        Assert.Equal("2", response["x-first"]);
        Assert.Equal(["Content-Type", "X-FIRST", "cache-control"], response.Headers.Select(h => h.Key));
        Assert.True(response.Headers.Remove("Cache-Control"));
        Assert.Null(response["Cache-Control"]);
    }

    [Fact]
    public void Header_values_with_newlines_are_refused()
    {
        var response = new HttpResponse();
        var error = Assert.Throws<BadHeaderError>(() => response["X-Evil"] = "a\r\nSet-Cookie: x=1");
        Assert.Contains("can't contain newlines", error.Message);
    }

    [Fact]
    public void Non_latin1_header_values_are_mime_encoded()
    {
        var response = new HttpResponse();
        response["X-Name"] = "€";
        Assert.Equal("=?utf-8?b?4oKs?=", response["X-Name"]);
    }

    [Fact]
    public void Cookies_serialize_as_python_morsels()
    {
        var response = new HttpResponse();
        response.SetCookie("session", "abc", maxAge: 3600, httpOnly: true, secure: true, sameSite: "Lax", domain: "example.com");
        var cookie = response.Cookies["session"].ToString();
        Assert.Matches(@"^session=abc; Domain=example\.com; expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly; Max-Age=3600; Path=/; SameSite=Lax; Secure$", cookie);
    }

    [Fact]
    public void Cookie_values_with_special_characters_are_quoted()
    {
        var response = new HttpResponse();
        response.SetCookie("c", "a b;c\"é");
        Assert.Equal("c=\"a b\\073c\\\"\\351\"; Path=/", response.Cookies["c"].ToString());
    }

    [Fact]
    public void Delete_cookie_expires_it()
    {
        var response = new HttpResponse();
        response.DeleteCookie("session");
        Assert.Equal("session=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/", response.Cookies["session"].ToString());
        response.DeleteCookie("__Host-id", sameSite: "None");
        Assert.EndsWith("SameSite=None; Secure", response.Cookies["__Host-id"].ToString());
    }

    [Fact]
    public void An_invalid_samesite_is_refused_as_django_does()
    {
        var error = Assert.Throws<ArgumentException>(() => new HttpResponse().SetCookie("a", "b", sameSite: "sometimes"));
        Assert.StartsWith("samesite must be \"lax\", \"none\", or \"strict\".", error.Message);
    }

    [Fact]
    public void Expires_as_a_date_becomes_max_age()
    {
        var response = new HttpResponse();
        response.SetCookie("c", "v", expires: DateTimeOffset.UtcNow.AddHours(1));
        Assert.InRange(response.Cookies["c"].MaxAge!.Value, 3590, 3601);
    }

    [Fact]
    public void Redirects_set_location_and_refuse_unsafe_schemes()
    {
        Assert.Equal(302, new HttpResponseRedirect("/next/").StatusCode);
        Assert.Equal("/caf%C3%A9/", new HttpResponseRedirect("/café/").Url);
        var permanent = new HttpResponsePermanentRedirect("https://example.com/");
        Assert.Equal(301, permanent.StatusCode);
        Assert.Equal("https://example.com/", permanent["Location"]);
        var error = Assert.Throws<DisallowedRedirect>(() => new HttpResponseRedirect("javascript:alert(1)"));
        Assert.Equal("Unsafe redirect to URL with protocol 'javascript'", error.Message);
    }

    [Fact]
    public void Status_responses()
    {
        Assert.Equal(400, new HttpResponseBadRequest().StatusCode);
        Assert.Equal(403, new HttpResponseForbidden().StatusCode);
        Assert.Equal(404, new HttpResponseNotFound().StatusCode);
        Assert.Equal(410, new HttpResponseGone().StatusCode);
        Assert.Equal(500, new HttpResponseServerError().StatusCode);
        var notAllowed = new HttpResponseNotAllowed(["GET", "POST"]);
        Assert.Equal(405, notAllowed.StatusCode);
        Assert.Equal("GET, POST", notAllowed["Allow"]);
        var notModified = new HttpResponseNotModified();
        Assert.Equal(304, notModified.StatusCode);
        Assert.Null(notModified["Content-Type"]);
        Assert.Throws<InvalidOperationException>(() => notModified.Content = [1]);
    }

    [Fact]
    public void Custom_reason_phrase_and_status_range()
    {
        var response = new HttpResponse("", status: 599, reason: "Custom");
        Assert.Equal("Custom", response.ReasonPhrase);
        Assert.Equal("Unknown Status Code", new HttpResponse("", status: 599).ReasonPhrase);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpResponse("", status: 99));
    }

    [Fact]
    public void Write_appends()
    {
        var response = new HttpResponse("a");
        response.Write("b");
        Assert.Equal("ab", response.Text);
    }
}
