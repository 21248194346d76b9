using Nuages.Gateways;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>Uploads over FileUploadMaxMemorySize through a real Kestrel, on both gateways.</summary>
public class UploadTests
{
    private static readonly List<string> SeenPaths = [];

    public static HttpResponse Upload(HttpRequest request)
    {
        var file = request.Files["doc"];
        var onDisk = file.TemporaryFilePath;
        lock (SeenPaths)
        {
            if (onDisk is not null) SeenPaths.Add(onDisk);
            if (request.Spool is { } spool) SeenPaths.Add(spool.Path);
        }
        using var stream = file.OpenRead();
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream));
        return new HttpResponse($"{file.Name} {file.Size} {hash} {(onDisk is not null && File.Exists(onDisk) ? "on disk" : "in memory")} {(request.Spool is not null ? "spooled" : "buffered")} {request.Form["note"]}");
    }

    [Theory] // as django/core/handlers/asgi.py does
    [InlineData(ServerGateway.Async)]
    [InlineData(ServerGateway.Sync)]
    public async Task Large_uploads_go_to_temporary_files_that_are_deleted_when_the_request_ends(ServerGateway gateway)
    {
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.FileUploadMaxMemorySize = 64 * 1024;
        }, Path("upload/", Upload));
        await using var server = await app.StartAsync("127.0.0.1:0", gateway, threads: 4);
        using var http = new HttpClient { BaseAddress = server.Address };
        var data = new byte[1_500_000];
        new Random(42).NextBytes(data);
        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data));
        using var form = new MultipartFormDataContent("BoUnDaRy")
        {
            { new StringContent("hello", Encoding.UTF8), "note" },
        };
        var fileContent = new ByteArrayContent(data);
        fileContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(fileContent, "doc", "big.bin");

        var response = await http.PostAsync("/upload/", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"big.bin 1500000 {expected} on disk spooled hello", await response.Content.ReadAsStringAsync());
        string[] paths;
        lock (SeenPaths) paths = [.. SeenPaths];
        Assert.NotEmpty(paths);
        // The files go when the request ends, which may be just after the client has the response.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (paths.Any(File.Exists) && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.All(paths, p => Assert.False(File.Exists(p), $"{p} was left behind"));
    }

    [Fact]
    public async Task Small_uploads_stay_in_memory()
    {
        var app = TestSite.Create(s => s.AllowedHosts = ["127.0.0.1"], Path("upload/", Upload));
        await using var server = await app.StartAsync("127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = server.Address };
        using var form = new MultipartFormDataContent { { new StringContent("hi"), "note" }, { new ByteArrayContent("abc"u8.ToArray()), "doc", "small.txt" } };
        var text = await (await http.PostAsync("/upload/", form)).Content.ReadAsStringAsync();
        Assert.EndsWith("in memory buffered hi", text);
    }
}
