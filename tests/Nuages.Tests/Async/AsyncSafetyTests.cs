using Nuages.Async;
using Nuages.Core;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Async;

// The variable is process-wide: these tests must not run beside others that read it.
[Collection(nameof(EnvironmentVariables))]
public class AsyncSafetyTests
{
    private static string SyncOnly()
    {
        AsyncSafety.ThrowIfAsync("SyncOnly");
        return "ran";
    }

    public static HttpResponse SyncView(HttpRequest request) => new(SyncOnly());

    public static Task<HttpResponse> AsyncView(HttpRequest request) => Task.FromResult(new HttpResponse(SyncOnly()));

    public static async Task<HttpResponse> AsyncViewThroughAdapter(HttpRequest request) => new(await SyncToAsync.Run(SyncOnly));

    private static NuagesApp Site() => TestSite.Create(s => s.Debug = true,
        Path("sync/", SyncView), Path("async/", AsyncView), Path("adapted/", AsyncViewThroughAdapter));

    [Fact]
    public async Task Sync_only_code_refuses_to_run_in_async_code_with_djangos_message() // as django/utils/asyncio.py does
    {
        var error = await Assert.ThrowsAsync<SynchronousOnlyOperation>(() => new AsyncClient(Site()).GetAsync("/async/"));
        Assert.Equal("You cannot call this from an async context - use a thread or SyncToAsync.", error.Message);
        Assert.Equal("SyncOnly", error.Operation);
        Assert.Throws<SynchronousOnlyOperation>(() => AsyncToSync.Run(async () =>
        {
            await Task.Yield();
            return SyncOnly();
        }));
    }

    [Fact]
    public async Task Through_SyncToAsync_it_runs() // as django/utils/asyncio.py does
    {
        Assert.Equal("ran", (await new AsyncClient(Site()).GetAsync("/adapted/")).Text);
        Assert.Equal("ran", (await new AsyncClient(Site()).GetAsync("/sync/")).Text);
        Assert.Equal("ran", new Client(Site()).Get("/sync/").Text);
        Assert.Equal("ran", SyncOnly());
    }

    [Fact]
    public async Task A_non_empty_variable_disables_the_check_and_an_empty_one_does_not() // as django/utils/asyncio.py does
    {
        try
        {
            Environment.SetEnvironmentVariable(AsyncSafety.AllowUnsafeVariable, "");
            await Assert.ThrowsAsync<SynchronousOnlyOperation>(() => new AsyncClient(Site()).GetAsync("/async/"));
            Environment.SetEnvironmentVariable(AsyncSafety.AllowUnsafeVariable, "true");
            Assert.Equal("ran", (await new AsyncClient(Site()).GetAsync("/async/")).Text);
        }
        finally
        {
            Environment.SetEnvironmentVariable(AsyncSafety.AllowUnsafeVariable, null);
        }
    }

    [Fact]
    public async Task Deploy_check_reports_the_variable() // as django/utils/asyncio.py does
    {
        var app = Site();
        try
        {
            Environment.SetEnvironmentVariable(AsyncSafety.AllowUnsafeVariable, "1");
            var output = new StringWriter();
            var code = await new Nuages.Management.CommandLine(app, output, output).RunAsync(["check", "--deploy"], CancellationToken.None);
            Assert.Equal(1, code);
            Assert.Contains("?: (async.E001) You should not set the NUAGES_ALLOW_ASYNC_UNSAFE environment variable in deployment. This disables async safety protection.", output.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(AsyncSafety.AllowUnsafeVariable, null);
        }
        var quiet = new StringWriter();
        await new Nuages.Management.CommandLine(app, quiet, quiet).RunAsync(["check", "--deploy"], CancellationToken.None);
        Assert.DoesNotContain("async.E001", quiet.ToString());
    }
}

[CollectionDefinition(nameof(EnvironmentVariables), DisableParallelization = true)]
public sealed class EnvironmentVariables;
