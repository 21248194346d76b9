using Nuages.Gateways;
using Nuages.Conf;

namespace Nuages.Management;

/// <summary>The commands of a site's program, as Django's <c>manage.py</c>: runserver, check, routes.</summary>
internal sealed class CommandLine(NuagesApp app, TextWriter output, TextWriter error)
{
    private const string Usage =
        "Usage: <site> [command] [options]\n\n" +
        "Commands:\n" +
        "  runserver [addr:port] [--gateway async|sync] [--threads N]\n" +
        "                          Serve the site (default 127.0.0.1:8000) over HTTP/1.1 and HTTP/2 (h2c),\n" +
        "                          with the async gateway (default) or the sync one on N threads (default SyncWorkers).\n" +
        "  check [--deploy]        Report configuration problems; exit code 1 if there are errors.\n" +
        "  routes                  Print the URL patterns, their names and views.\n" +
        "  migrate [--database A]  Create the missing tables of the site's models.\n" +
        "  sqlmigrate [--database A]  Print the statements migrate would run.\n" +
        "  help                    Show this text.\n";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var command = args.Length == 0 ? "runserver" : args[0];
        var rest = args.Skip(1).ToArray();
        switch (command)
        {
            case "runserver":
                return await RunServerAsync(rest, cancellationToken).ConfigureAwait(false);
            case "check":
                return Check(rest);
            case "routes":
                return Routes();
            case "migrate" or "sqlmigrate":
                var alias = rest.Length >= 2 && rest[0] == "--database" ? rest[1] : Db.Database.DefaultAlias;
                foreach (var statement in Db.Models.Schema.Sql(app.AllModels, alias)) output.WriteLine(statement + ";");
                if (command == "migrate") Db.Models.Schema.Migrate(app.AllModels, alias);
                return 0;
            case "help" or "--help" or "-h":
                await output.WriteAsync(Usage).ConfigureAwait(false);
                return 0;
            default:
                await error.WriteAsync($"Unknown command: '{command}'.\n\n{Usage}").ConfigureAwait(false);
                return 2;
        }
    }

    private async Task<int> RunServerAsync(string[] args, CancellationToken cancellationToken)
    {
        string? address = null;
        var gateway = ServerGateway.Async;
        var threads = app.Settings.SyncWorkers;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--gateway" when i + 1 < args.Length && args[i + 1] is "async" or "sync":
                    gateway = args[++i] == "sync" ? ServerGateway.Sync : ServerGateway.Async;
                    break;
                case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    threads = n;
                    i++;
                    break;
                case var option when option.StartsWith('-'):
                    await error.WriteAsync($"Unknown or incomplete option: '{option}'.\n\n{Usage}").ConfigureAwait(false);
                    return 2;
                default:
                    address ??= args[i];
                    break;
            }
        }
        address ??= "127.0.0.1:8000";
        var problems = SystemChecks.Run(app, deploy: false);
        if (problems.Any(p => p.IsError))
        {
            await error.WriteAsync(SystemChecks.Format(problems)).ConfigureAwait(false);
            return 1;
        }
        try
        {
            NuagesApp.ParseAddress(address);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
        await using var server = await app.StartAsync(address, gateway, threads, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Nuages {typeof(NuagesApp).Assembly.GetName().Version?.ToString(3)} serving at {server.Address.ToString().TrimEnd('/')}/ ({(app.Http2Enabled ? "HTTP/1.1 and HTTP/2" : "HTTP/1.1")}, {(gateway == ServerGateway.Sync ? $"sync gateway, {threads} threads" : "async gateway")}). Quit with CONTROL-C.").ConfigureAwait(false);
        if (problems.Count > 0) await output.WriteAsync(SystemChecks.Format(problems)).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private int Check(string[] args)
    {
        var problems = SystemChecks.Run(app, deploy: args.Contains("--deploy"));
        output.Write(SystemChecks.Format(problems));
        return problems.Any(p => p.IsError) ? 1 : 0;
    }

    private int Routes()
    {
        var handler = app.Handler;
        var rows = handler.Resolver.Describe().ToList();
        var width = Math.Max(5, rows.Count == 0 ? 0 : rows.Max(r => r.Route.Length + 1));
        var nameWidth = Math.Max(4, rows.Count == 0 ? 0 : rows.Max(r => (r.Name ?? "").Length));
        output.WriteLine($"{"Route".PadRight(width)}  {"Name".PadRight(nameWidth)}  {"Mode",-5}  View");
        foreach (var (route, name, view, isAsync) in rows)
            output.WriteLine($"{("/" + route).PadRight(width)}  {(name ?? "").PadRight(nameWidth)}  {(isAsync ? "async" : "sync"),-5}  {view}");
        return 0;
    }
}
