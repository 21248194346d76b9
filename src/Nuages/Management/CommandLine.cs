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
        "  dbshell [--database A] [-- ARGS]\n" +
        "                          Run the database's command-line client (sqlite3 or psql) with the alias' settings.\n" +
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
            case "dbshell":
                return await DbShellAsync(rest, cancellationToken).ConfigureAwait(false);
            case "help" or "--help" or "-h":
                await output.WriteAsync(Usage).ConfigureAwait(false);
                return 0;
            default:
                await error.WriteAsync($"Unknown command: '{command}'.\n\n{Usage}").ConfigureAwait(false);
                return 2;
        }
    }

    /// <summary>
    /// Django's <c>dbshell</c>: <c>sqlite3 FILE</c> or <c>psql -U user -h host -p port NAME</c> (the password in
    /// <c>PGPASSWORD</c>, never on the command line), with the arguments after <c>--</c>.
    /// </summary>
    private async Task<int> DbShellAsync(string[] args, CancellationToken cancellationToken)
    {
        var alias = Db.Database.DefaultAlias;
        var extra = Array.Empty<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--database" && i + 1 < args.Length) alias = args[++i];
            else if (args[i] == "--") { extra = args[(i + 1)..]; break; }
        }
        if (!app.Settings.Databases.TryGetValue(alias, out var database))
        {
            await error.WriteLineAsync($"CommandError: The connection '{alias}' doesn't exist.").ConfigureAwait(false);
            return 1;
        }
        var start = new System.Diagnostics.ProcessStartInfo { UseShellExecute = false };
        if (database.Engine == Db.DatabaseEngine.Sqlite)
        {
            start.FileName = "sqlite3";
            start.ArgumentList.Add(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource);
        }
        else
        {
            var settings = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
            start.FileName = "psql";
            if (settings.Username is { Length: > 0 } user) { start.ArgumentList.Add("-U"); start.ArgumentList.Add(user); }
            if (settings.Host is { Length: > 0 } host) { start.ArgumentList.Add("-h"); start.ArgumentList.Add(host); }
            start.ArgumentList.Add("-p");
            start.ArgumentList.Add(settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (settings.Password is { Length: > 0 } password) start.Environment["PGPASSWORD"] = password;
            start.ArgumentList.Add(settings.Database ?? "postgres");
        }
        foreach (var argument in extra) start.ArgumentList.Add(argument);
        // At a terminal the client talks to it directly; otherwise (a test, a pipe) its output goes to our writers.
        var redirect = !ReferenceEquals(output, Console.Out);
        start.RedirectStandardOutput = start.RedirectStandardError = redirect;
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            await error.WriteLineAsync($"CommandError: You appear not to have the '{start.FileName}' program installed or on your path.").ConfigureAwait(false);
            return 1;
        }
        using (process)
        {
            if (redirect)
            {
                var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
                await output.WriteAsync(await stdout.ConfigureAwait(false)).ConfigureAwait(false);
                await error.WriteAsync(await stderr.ConfigureAwait(false)).ConfigureAwait(false);
            }
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
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
