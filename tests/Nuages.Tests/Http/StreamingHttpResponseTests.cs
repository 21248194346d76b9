using Nuages.Http;

namespace Nuages.Tests.Http;

public class StreamingHttpResponseTests
{
    private static async IAsyncEnumerable<string> Parts()
    {
        yield return "first\n";
        await Task.Yield();
        yield return "last\n";
    }

    [Fact]
    public void Is_async_only_for_async_sequences() // as django/core/handlers/asgi.py does
    {
        Assert.True(new StreamingHttpResponse(Parts()).IsAsync);
        Assert.False(new StreamingHttpResponse(new[] { "a", "b" }).IsAsync);
        Assert.True(new StreamingHttpResponse(new[] { "a" }).Streaming);
    }

    [Fact]
    public void Has_no_content_and_streams_once()
    {
        var response = new StreamingHttpResponse(new[] { "a", "b" });
        Assert.Throws<InvalidOperationException>(() => response.Content);
        Assert.Equal(["a"u8.ToArray(), "b"u8.ToArray()], response.EnumerateParts().ToList());
        Assert.Throws<InvalidOperationException>(() => response.EnumerateParts().ToList());
    }

    [Fact]
    public async Task File_response_streams_blocks_and_sets_headers() // as django/core/handlers/asgi.py does (64 KiB blocks, read asynchronously)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nuages-{Guid.NewGuid():N}.py");
        var data = new byte[150_000];
        Random.Shared.NextBytes(data);
        await File.WriteAllBytesAsync(path, data);
        try
        {
            var response = new FileResponse(path);
            Assert.Equal("150000", response["Content-Length"]);
            Assert.Equal("text/x-python", response["Content-Type"]);
            Assert.Equal($"inline; filename=\"{Path.GetFileName(path)}\"", response["Content-Disposition"]);
            var parts = new List<byte[]>();
            await foreach (var part in response.EnumeratePartsAsync(CancellationToken.None)) parts.Add(part);
            Assert.Equal([65_536, 65_536, 18_928], parts.Select(p => p.Length));
            Assert.Equal(data, parts.SelectMany(p => p).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Content_disposition_as_django_builds_it()
    {
        Assert.Equal("attachment; filename=\"report.pdf\"", FileResponse.ContentDisposition(true, "report.pdf"));
        Assert.Equal("inline; filename=\"a\\\"b.txt\"", FileResponse.ContentDisposition(false, "a\"b.txt"));
        Assert.Equal("attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf", FileResponse.ContentDisposition(true, "résumé.pdf"));
        Assert.Equal("attachment", FileResponse.ContentDisposition(true, ""));
        Assert.Null(FileResponse.ContentDisposition(false, ""));
    }
}
