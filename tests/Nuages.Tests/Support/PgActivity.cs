using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Nuages.Tests.Support;

/// <summary>What PostgreSQL says a site's connections are doing (pg_stat_activity), and raw requests to leave mid-way.</summary>
internal static class PgActivity
{
    public static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    /// <summary>Sends a GET and leaves the connection open: disposing the client is the disconnect.</summary>
    public static async Task<TcpClient> Send(NuagesServer server, string target)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.Address.Port);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        return client;
    }

    /// <summary>The application's backends that match <paramref name="condition"/> (SQL over pg_stat_activity; <c>@pattern</c> is bound).</summary>
    public static async Task<long> Count(NpgsqlConnection watcher, string application, string condition, string pattern = "%")
    {
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = @app AND {condition}", watcher);
        command.Parameters.AddWithValue("app", application);
        command.Parameters.AddWithValue("pattern", pattern);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until <see cref="Count"/> is <paramref name="expected"/>, for at most <see cref="Bounded"/>.</summary>
    public static async Task WaitForCount(NpgsqlConnection watcher, string application, string condition, long expected, string pattern = "%")
    {
        var deadline = DateTime.UtcNow + Bounded;
        long count;
        while ((count = await Count(watcher, application, condition, pattern)) != expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"pg_stat_activity: {count} backends of {application} where {condition} (pattern '{pattern}'), not {expected}, after {Bounded.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }
}
