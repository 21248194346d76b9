using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

/// <summary>
/// Decorators made from middleware wait for a template response to be rendered, and what they return replaces it —
/// as django/utils/decorators.py's decorator_from_middleware does with add_post_render_callback.
/// </summary>
public class DeferredDecoratorTests
{
    private static readonly string Page = string.Concat(Enumerable.Repeat("a rendered page, long enough to compress. ", 20));

    /// <summary>A response rendered after the view, as a template response is, in the sync or the async form.</summary>
    private sealed class Deferred(bool async) : RenderableResponse
    {
        protected override string RenderContent() => async ? throw new InvalidOperationException("rendered in the wrong mode") : Page;

        protected override async ValueTask<string> RenderContentAsync()
        {
            if (!async) return RenderContent();
            await Task.Yield();
            return Page;
        }
    }

    private static readonly NuagesApp App = TestSite.Create(s => s.Debug = true,
        Path("gzip/", ViewDecorators.GzipPage(new Func<HttpRequest, HttpResponse>(_ => new Deferred(async: false)))),
        Path("gzip-async/", ViewDecorators.GzipPage(new Func<HttpRequest, Task<HttpResponse>>(async _ =>
        {
            await Task.Yield();
            return new Deferred(async: true);
        }))),
        Path("conditional/", ViewDecorators.ConditionalPage(new Func<HttpRequest, HttpResponse>(_ => new Deferred(async: false)))),
        Path("conditional-async/", ViewDecorators.ConditionalPage(new Func<HttpRequest, Task<HttpResponse>>(async _ =>
        {
            await Task.Yield();
            return new Deferred(async: true);
        }))));

    [Fact]
    public async Task Gzip_page_compresses_the_rendered_page_in_both_modes()
    {
        var client = new AsyncClient(App);
        foreach (var path in new[] { "/gzip/", "/gzip-async/" })
        {
            var response = await client.GetAsync(path, headers: new Dictionary<string, string> { ["Accept-Encoding"] = "gzip" });
            Assert.Equal(200, response.StatusCode);
            Assert.Equal("gzip", response["Content-Encoding"]);
            Assert.Equal(response.Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response["Content-Length"]);
            using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(response.Content), System.IO.Compression.CompressionMode.Decompress);
            Assert.Equal(Page, new StreamReader(gzip).ReadToEnd());
        }
    }

    [Fact]
    public async Task Conditional_page_tags_the_rendered_page_and_a_304_replaces_it_in_both_modes()
    {
        var client = new AsyncClient(App);
        foreach (var path in new[] { "/conditional/", "/conditional-async/" })
        {
            var first = await client.GetAsync(path);
            Assert.Equal(200, first.StatusCode);
            var etag = first["ETag"];
            Assert.Equal("\"" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(Page))) + "\"", etag);
            var again = await client.GetAsync(path, headers: new Dictionary<string, string> { ["If-None-Match"] = etag! });
            Assert.Equal(304, again.StatusCode); // the response the decorator made, sent in the rendered one's place
            Assert.Empty(again.Content);
        }
    }
}
