using System.Text.Json.Nodes;
using Nuages.Cache;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;

namespace Nuages.Tests.Cache;

/// <summary>
/// The page-cache and fragment-cache keys against keys Django made for the same requests, responses and settings
/// (Vectors/django_cache_keys.py): get_cache_key, learn_cache_key and make_template_fragment_key.
/// </summary>
public class CacheKeysTests
{
    private static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cache", "Vectors", "django_cache_keys.json")))!.AsObject();

    public static TheoryData<int> PageCases() => [.. Enumerable.Range(0, Django["pages"]!.AsArray().Count)];

    [Theory]
    [MemberData(nameof(PageCases))]
    public async Task Page_keys_are_djangos(int index)
    {
        var expected = Django["pages"]![index]!.AsObject();
        var djangoSettings = expected["settings"]!.AsObject();
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["testserver", "example.com"];
            if (djangoSettings["USE_I18N"] is { } i18n) s.UseI18N = (bool)i18n;
            if (djangoSettings["LANGUAGE_CODE"] is { } language) s.LanguageCode = (string)language!;
            if (djangoSettings["TIME_ZONE"] is { } zone) s.TimeZone = (string)zone!;
        });
        using var entered = app.Enter();
        var headers = expected["headers"]!.AsObject().ToDictionary(h => HeaderName(h.Key), h => (string)h.Value!);
        var path = (string)expected["path"]! + ((string)expected["query"]! is { Length: > 0 } query ? "?" + query : "");
        var factory = new RequestFactory(app);
        var method = (string)expected["method"]!;
        var request = method == "HEAD" ? factory.Head(path, headers: headers) : factory.Get(path, headers: headers);
        var prefix = (string?)expected["prefix"];
        var response = new HttpResponse("page");
        if ((string?)expected["vary"] is { } vary) response["Vary"] = vary;

        Assert.Equal((string)expected["absolute_uri"]!, request.BuildAbsoluteUri());
        Assert.Null(CacheKeys.GetCacheKey(request, prefix));
        Assert.Equal((string)expected["learned"]!, CacheKeys.LearnCacheKey(request, response, 60, prefix));
        Assert.Equal(expected["header_list"]!.AsArray().Select(h => (string)h!), Caches.Default.Get<List<string>>((string)expected["header_key"]!)!);
        Assert.Equal((string)expected["found"]!, CacheKeys.GetCacheKey(request, prefix, method));

        // the async forms, on a cache of their own
        await Caches.Default.ClearAsync();
        Assert.Null(await CacheKeys.GetCacheKeyAsync(request, prefix));
        Assert.Equal((string)expected["learned"]!, await CacheKeys.LearnCacheKeyAsync(request, response, 60, prefix));
        Assert.Equal((string)expected["found"]!, await CacheKeys.GetCacheKeyAsync(request, prefix, method));
    }

    [Fact]
    public void Fragment_keys_are_djangos()
    {
        foreach (var fragment in Django["fragments"]!.AsArray())
        {
            var values = fragment!["vary_on"]!.AsArray().Select(v => v?.GetValueKind() switch
            {
                null => null,
                System.Text.Json.JsonValueKind.Number => (object?)(long)v,
                System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => (bool)v,
                _ => (string)v!,
            }).ToList();
            Assert.Equal((string)fragment["key"]!, CacheKeys.MakeTemplateFragmentKey((string)fragment["name"]!, values));
        }
    }

    /// <summary>HTTP_ACCEPT_ENCODING → Accept-Encoding.</summary>
    private static string HeaderName(string meta) =>
        string.Join('-', meta["HTTP_".Length..].Split('_').Select(part => part[0] + part[1..].ToLowerInvariant()));
}
