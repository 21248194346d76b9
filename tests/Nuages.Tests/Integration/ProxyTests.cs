using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nuages.Middleware;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;
using HttpRequest = Nuages.Http.HttpRequest;
using HttpResponse = Nuages.Http.HttpResponse;
using JsonResponse = Nuages.Http.JsonResponse;

namespace Nuages.Tests.Integration;

/// <summary>A site behind a TLS-terminating proxy (it sets X-Forwarded-*), with ASP.NET Core endpoints and middleware in front.</summary>
public sealed class ProxiedSite : IAsyncLifetime
{
    public NuagesServer Server { get; private set; } = null!;

    public static HttpResponse Info(HttpRequest request) => new JsonResponse(new
    {
        scheme = request.Scheme,
        secure = request.IsSecure,
        host = request.GetHost(),
        port = request.GetPort(),
        absolute = request.BuildAbsoluteUri(),
    });

    public static HttpResponse Accept(HttpRequest request) => new("accepted");

    public async Task InitializeAsync()
    {
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["public.example"];
            s.SecureProxySslHeader = ["HTTP_X_FORWARDED_PROTO", "https"];
            s.UseXForwardedHost = true;
            s.UseXForwardedPort = true;
            s.Middleware = [typeof(CsrfViewMiddleware).FullName!];
        }, Path("info/", Info), Path("form/", Accept));
        app.AspNetCore(web =>
        {
            web.Use(async (context, next) =>
            {
                context.Response.Headers["X-Front"] = "aspnetcore";
                await next(context);
            });
            web.MapGet("/healthz", () => "healthy");
        });
        Server = await app.StartAsync("127.0.0.1:0");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public class ProxyTests(ProxiedSite site) : IClassFixture<ProxiedSite>
{
    private const string Secret = "abcdefghijklmnopqrstuvwxyzABCDEF"; // a 32-character CSRF secret, sent unmasked as Django accepts

    private HttpClient Client() => new() { BaseAddress = site.Server.Address, Timeout = TimeSpan.FromSeconds(10) };

    private static HttpRequestMessage Proxied(HttpMethod method, string path, bool https = true)
    {
        var message = new HttpRequestMessage(method, path);
        message.Headers.Add("X-Forwarded-Host", "public.example");
        message.Headers.Add("X-Forwarded-Port", https ? "443" : "80");
        message.Headers.Add("X-Forwarded-Proto", https ? "https" : "http");
        return message;
    }

    [Fact]
    public async Task The_proxy_headers_give_the_scheme_host_and_port_the_client_used()
    {
        using var http = Client();
        var response = await http.SendAsync(Proxied(HttpMethod.Get, "/info/"));
        var info = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https", info.GetProperty("scheme").GetString());
        Assert.True(info.GetProperty("secure").GetBoolean());
        Assert.Equal("public.example", info.GetProperty("host").GetString());
        Assert.Equal("443", info.GetProperty("port").GetString());
        Assert.Equal("https://public.example/info/", info.GetProperty("absolute").GetString());
        Assert.Equal("aspnetcore", response.Headers.GetValues("X-Front").Single());
    }

    [Fact]
    public async Task A_csrf_post_from_the_https_origin_passes_behind_the_proxy()
    {
        using var http = Client();
        HttpRequestMessage Post(bool https)
        {
            var message = Proxied(HttpMethod.Post, "/form/", https);
            message.Headers.Add("Origin", "https://public.example");
            message.Headers.Add("Cookie", "csrftoken=" + Secret);
            message.Headers.Add("X-CSRFToken", Secret);
            message.Content = new StringContent("a=1", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
            return message;
        }
        var behindTls = await http.SendAsync(Post(https: true));
        Assert.Equal(200, (int)behindTls.StatusCode);
        Assert.Equal("accepted", await behindTls.Content.ReadAsStringAsync());

        // Without the proxy's word that the client used HTTPS, the https origin is a different site: refused.
        var plain = await http.SendAsync(Post(https: false));
        Assert.Equal(403, (int)plain.StatusCode);
    }

    [Fact]
    public async Task AspNetCore_endpoints_answer_their_paths_behind_nuages_host_check()
    {
        using var http = Client();
        var health = await http.SendAsync(Proxied(HttpMethod.Get, "/healthz"));
        Assert.Equal(200, (int)health.StatusCode);
        Assert.Equal("healthy", await health.Content.ReadAsStringAsync());

        var stranger = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        stranger.Headers.Host = "evil.example";
        Assert.Equal(400, (int)(await http.SendAsync(stranger)).StatusCode);
    }

    [Fact]
    public void SecureProxySslHeader_takes_exactly_a_header_and_a_value()
    {
        var error = Assert.Throws<Nuages.Core.ImproperlyConfigured>(() => TestSite.Create(s => s.SecureProxySslHeader = ["HTTP_X_FORWARDED_PROTO"]));
        Assert.StartsWith("The SecureProxySslHeader setting must hold two values", error.Message);
    }
}
