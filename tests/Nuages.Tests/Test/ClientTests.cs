using System.Text;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Test;

public class ClientTests
{
    public static HttpResponse SetCookie(HttpRequest request)
    {
        var response = new HttpResponse("set");
        response.SetCookie("flavour", "oatmeal raisin");
        return response;
    }

    public static HttpResponse ShowCookie(HttpRequest request) => new(request.Cookies.GetValueOrDefault("flavour", "none"));

    public static HttpResponse ForgetCookie(HttpRequest request)
    {
        var response = new HttpResponse("forgot");
        response.DeleteCookie("flavour");
        return response;
    }

    public static HttpResponse Hop(HttpRequest request, int n) => n == 0 ? new HttpResponse("arrived") : new HttpResponseRedirect($"/hop/{n - 1}/");
    public static HttpResponse Loop(HttpRequest request) => new HttpResponseRedirect("/loop/");
    public static HttpResponse Temporary(HttpRequest request) => new HttpResponseRedirect("/echo/", 307);
    public static HttpResponse Echo(HttpRequest request) =>
        new JsonResponse(new { method = request.Method, body = Encoding.UTF8.GetString(request.Body), form = request.Form.Keys.ToDictionary(k => k, k => request.Form[k]), query = request.QueryString });
    public static HttpResponse Upload(HttpRequest request) => new($"{request.Files["f"].Name}:{request.Files["f"].Size}:{request.Form["note"]}");
    public static HttpResponse Thread(HttpRequest request) => new(Environment.CurrentManagedThreadId + "|" + System.Threading.Thread.CurrentThread.Name);
    public static HttpResponse Stream(HttpRequest request) => new StreamingHttpResponse(new[] { "a", "b", "c" });

    private static NuagesApp Site() => TestSite.Create(s => s.Debug = true,
        Path("set/", SetCookie), Path("show/", ShowCookie), Path("forget/", ForgetCookie), Path("hop/<int:n>/", Hop), Path("loop/", Loop),
        Path("temporary/", Temporary), Path("echo/", Echo), Path("upload/", Upload), Path("thread/", Thread), Path("stream/", Stream));

    [Fact]
    public void Cookies_are_kept_between_requests_and_forgotten_when_deleted()
    {
        var client = new Client(Site());
        Assert.Equal("none", client.Get("/show/").Text);
        client.Get("/set/");
        Assert.Equal("oatmeal raisin", client.Cookies["flavour"]);
        Assert.Equal("oatmeal raisin", client.Get("/show/").Text);
        client.Get("/forget/");
        Assert.Equal("none", client.Get("/show/").Text);
    }

    [Fact]
    public void Redirects_are_followed_on_request_with_their_chain()
    {
        var client = new Client(Site());
        var response = client.Get("/hop/2/", follow: true);
        Assert.Equal("arrived", response.Text);
        Assert.Equal([("/hop/1/", 302), ("/hop/0/", 302)], response.RedirectChain);
        Assert.Equal(302, client.Get("/hop/2/").StatusCode);
        Assert.Equal("Redirect loop detected.", Assert.Throws<InvalidOperationException>(() => client.Get("/loop/", follow: true)).Message);
    }

    [Fact]
    public void A_307_keeps_the_method_and_body()
    {
        var response = new Client(Site()).Post("/temporary/", "{\"a\": 1}", "application/json", follow: true);
        var json = response.Json();
        Assert.Equal("POST", json.GetProperty("method").GetString());
        Assert.Equal("{\"a\": 1}", json.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Posts_forms_json_and_files()
    {
        var client = new AsyncClient(Site());
        var form = (await client.PostAsync("/echo/", new { name = "Ada", tags = new[] { "x", "y" } })).Json();
        Assert.Equal("Ada", form.GetProperty("form").GetProperty("name").GetString());
        var json = (await client.PostAsync("/echo/", new { name = "Ada" }, "application/json")).Json();
        Assert.Equal("{\"name\":\"Ada\"}", json.GetProperty("body").GetString());
        var query = (await client.GetAsync("/echo/", new { q = "a b" })).Json();
        Assert.Equal("q=a+b", query.GetProperty("query").GetString());
        var upload = await client.PostAsync("/upload/", new Dictionary<string, object?> { ["f"] = new TestFile("a.bin", new byte[300]), ["note"] = "hi" });
        Assert.Equal("a.bin:300:hi", upload.Text);
    }

    [Fact]
    public async Task Sync_views_run_on_the_caller_under_Client_and_on_a_sync_worker_under_AsyncClient()
    {
        var app = Site();
        var caller = Environment.CurrentManagedThreadId;
        Assert.StartsWith($"{caller}|", new Client(app).Get("/thread/").Text);
        var text = (await new AsyncClient(app).GetAsync("/thread/")).Text;
        Assert.Matches(@"^\d+\|nuages-sync-\d+$", text);
    }

    [Fact]
    public async Task Streaming_content_is_read_in_full()
    {
        Assert.Equal("abc", new Client(Site()).Get("/stream/").Text);
        Assert.Equal("abc", (await new AsyncClient(Site()).GetAsync("/stream/")).Text);
    }

    [Fact]
    public void Json_refuses_a_non_json_response()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Client(Site()).Get("/show/").Json());
        Assert.Equal("Content-Type header is \"text/html; charset=utf-8\", not \"application/json\"", error.Message);
    }
}
