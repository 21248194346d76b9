using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;

namespace Nuages.Channels;

/// <summary>
/// A channel layer on PostgreSQL alone, for sites that have it and no Redis: each process LISTENs on one notification
/// channel of its own, and a message to one of its specific channels (<c>specific.abc!xyz</c>) travels in the NOTIFY
/// itself when it fits NOTIFY's 8,000 bytes, else in a row of <c>{Prefix}_channel_message</c> the notification names.
/// Shared channels (no <c>!</c>) are rows taken by one receiver each (<c>FOR UPDATE SKIP LOCKED</c>), with
/// <see cref="ChannelFull"/> at capacity; groups are rows of <c>{Prefix}_channel_group</c>, and a group send is one
/// NOTIFY per process with members. Both tables are made on first use. Messages expire after
/// <see cref="ChannelLayer.Expiry"/> by the database's clock.
/// </summary>
public sealed partial class PostgresChannelLayer : ChannelLayer, IAsyncDisposable
{
    // NOTIFY's payload must be shorter than 8,000 bytes; what is larger goes through the table.
    private const int InlineLimit = 7900;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly string _alias;
    private readonly string _connectionString;
    private readonly NpgsqlDataSource _data;
    private readonly string _process = RandomLetters();
    private readonly LocalInbox _inbox;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _localGroups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _queueWakes = new(StringComparer.Ordinal);
    private Task? _listening;
    private TaskCompletionSource _listeningReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NpgsqlConnection? _listener;
    private Task? _tables;

    /// <summary>A layer on the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    public PostgresChannelLayer(string alias, string connectionString)
    {
        _alias = alias;
        _connectionString = connectionString;
        _data = NpgsqlDataSource.Create(connectionString);
        _inbox = new LocalInbox(GetCapacity);
    }

    /// <summary>What the layer's tables and notification channels start with (<c>asgi</c>): letters, digits and underscores.</summary>
    public string Prefix
    {
        get;
        init => field = PrefixPattern().IsMatch(value) ? value : throw new ArgumentException($"The prefix '{value}' of a PostgreSQL channel layer must be lower-case letters, digits and underscores, starting with a letter.", nameof(value));
    } = "asgi";

    /// <summary>The largest message, as JSON, the layer carries (1 MiB); a larger one is refused before it is sent.</summary>
    public int MaxMessageSize { get; init; } = 1024 * 1024;

    [GeneratedRegex("^[a-z][a-z0-9_]{0,30}$")]
    private static partial Regex PrefixPattern();

    private string Messages => Prefix + "_channel_message";

    private string Groups => Prefix + "_channel_group";

    private string ProcessChannel(string process) => Prefix + "_" + process;

    private string QueueChannel(string channel) => Prefix + "_q_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(channel)))[..16];

    private static string ProcessOf(string channel)
    {
        var local = NonLocalName(channel);
        return local[(local.LastIndexOf('.') + 1)..^1];
    }

    private Task EnsureTablesAsync() => LazyInitializer.EnsureInitialized(ref _tables, () => CreateTablesAsync());

    private async Task CreateTablesAsync()
    {
        await using var connection = await _data.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock(hashtext('nuages_channel_layer'));
            CREATE TABLE IF NOT EXISTS {Messages} (id bigserial PRIMARY KEY, channel varchar(100) NOT NULL, body text NOT NULL, expires timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS {Messages}_channel ON {Messages} (channel, id);
            CREATE TABLE IF NOT EXISTS {Groups} (group_name varchar(100) NOT NULL, channel varchar(100) NOT NULL, joined timestamptz NOT NULL, PRIMARY KEY (group_name, channel));
            """, connection, transaction))
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private async Task<T> RunAsync<T>(string sql, Func<NpgsqlCommand, Task<T>> run, CancellationToken cancellationToken, params object[] parameters)
    {
        await EnsureTablesAsync().ConfigureAwait(false);
        await using var command = _data.CreateCommand(sql);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return await run(command).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task SendAsync(string channel, JsonObject message, CancellationToken cancellationToken = default)
    {
        RequireValidChannelName(channel);
        var json = ToJson(message, MaxMessageSize, $"the PostgreSQL channel layer '{_alias}'");
        if (channel.Contains('!', StringComparison.Ordinal))
        {
            await NotifyAsync(ProcessOf(channel), channel, json, cancellationToken).ConfigureAwait(false);
            return;
        }
        var sent = await RunAsync(
            $"""
            WITH queued AS (SELECT count(*) AS n FROM {Messages} WHERE channel = $1 AND expires > now())
            INSERT INTO {Messages} (channel, body, expires) SELECT $1, $2, now() + $3 FROM queued WHERE n < $4 RETURNING id
            """, c => c.ExecuteScalarAsync(cancellationToken), cancellationToken, channel, json, Expiry, GetCapacity(channel)).ConfigureAwait(false);
        if (sent is null) throw new ChannelFull(channel);
        await RunAsync("SELECT pg_notify($1, '')", c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken, QueueChannel(channel)).ConfigureAwait(false);
    }

    /// <summary>A message for channels of one process: inline when it fits a NOTIFY, else through a row the notification names.</summary>
    private async Task NotifyAsync(string process, string channels, string json, CancellationToken cancellationToken)
    {
        var expires = (long)Expiry.TotalMilliseconds;
        if (Encoding.UTF8.GetByteCount(json) + channels.Length + 32 < InlineLimit)
        {
            await RunAsync("SELECT pg_notify($1, (floor(extract(epoch from now()) * 1000) + $2)::bigint || '|' || $3 || '|' || $4)",
                c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken, ProcessChannel(process), expires, channels, json).ConfigureAwait(false);
            return;
        }
        await RunAsync(
            $"""
            WITH stored AS (INSERT INTO {Messages} (channel, body, expires) VALUES ($3, $4, now() + $5) RETURNING id)
            SELECT pg_notify($1, (floor(extract(epoch from now()) * 1000) + $2)::bigint || '|' || $3 || '|#' || id) FROM stored
            """, c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken, ProcessChannel(process), expires, channels, json, Expiry).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<JsonObject> ReceiveAsync(string channel, CancellationToken cancellationToken = default)
    {
        RequireValidChannelName(channel);
        await EnsureListeningAsync().ConfigureAwait(false);
        if (channel.Contains('!', StringComparison.Ordinal))
        {
            if (ProcessOf(channel) != _process)
                throw new ArgumentException($"Wrong client prefix: '{channel}' is a channel of another process.", nameof(channel));
            return await _inbox.ReceiveAsync(channel, cancellationToken).ConfigureAwait(false);
        }
        var wakeName = QueueChannel(channel);
        await ListenAsync(wakeName).ConfigureAwait(false);
        while (true)
        {
            Task woken;
            lock (_lock)
            {
                if (!_queueWakes.TryGetValue(wakeName, out var wake)) _queueWakes[wakeName] = wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                woken = wake.Task;
            }
            var body = await RunAsync(
                $"""
                DELETE FROM {Messages} WHERE id = (SELECT id FROM {Messages} WHERE channel = $1 AND expires > now() ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING body
                """, c => c.ExecuteScalarAsync(cancellationToken), cancellationToken, channel).ConfigureAwait(false);
            if (body is string json) return (JsonObject)JsonNode.Parse(json)!;
            await Task.WhenAny(woken, Task.Delay(Poll, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <inheritdoc/>
    public override async Task<string> NewChannelAsync(string prefix = "specific.", CancellationToken cancellationToken = default)
    {
        await EnsureListeningAsync().ConfigureAwait(false);
        var name = $"{prefix}.{_process}!{RandomLetters()}";
        RequireValidChannelName(name);
        return name;
    }

    // ---- this process's notifications ----

    private async Task EnsureListeningAsync()
    {
        lock (_lock) _listening ??= Task.Run(ListenLoopAsync);
        await _listeningReady.Task.ConfigureAwait(false);
    }

    private async Task ListenAsync(string name)
    {
        await EnsureListeningAsync().ConfigureAwait(false);
        lock (_lock)
            if (_queueWakes.ContainsKey(name)) return;
        // LISTEN on the listening connection between its waits: a command of its own on that connection
        await using var command = new NpgsqlCommand($"LISTEN \"{name}\"", _listener);
        await _listenerLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        finally
        {
            _listenerLock.Release();
        }
        lock (_lock) _queueWakes.TryAdd(name, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    private readonly SemaphoreSlim _listenerLock = new(1, 1);

    private async Task ListenLoopAsync()
    {
        var closing = _closing.Token;
        while (!closing.IsCancellationRequested)
        {
            try
            {
                await EnsureTablesAsync().ConfigureAwait(false);
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { KeepAlive = 30 }.ConnectionString);
                await connection.OpenAsync(closing).ConfigureAwait(false);
                connection.Notification += (_, e) => OnNotification(e.Channel, e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN \"{ProcessChannel(_process)}\"", connection))
                    await listen.ExecuteNonQueryAsync(closing).ConfigureAwait(false);
                _listener = connection;
                _listeningReady.TrySetResult();
                while (!closing.IsCancellationRequested)
                {
                    await _listenerLock.WaitAsync(closing).ConfigureAwait(false);
                    try
                    {
                        // wait briefly so that a LISTEN can take the connection between waits
                        await connection.WaitAsync(TimeSpan.FromMilliseconds(200), closing).ConfigureAwait(false);
                    }
                    finally
                    {
                        _listenerLock.Release();
                    }
                }
            }
            catch (OperationCanceledException) when (closing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                // the database is away: listen again shortly; messages in the table wait for the next look
                _listeningReady.TrySetException(e);
                _listeningReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                try
                {
                    await Task.Delay(Poll, closing).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnNotification(string name, string payload)
    {
        if (name != ProcessChannel(_process))
        {
            TaskCompletionSource? wake;
            lock (_lock)
            {
                _queueWakes.TryGetValue(name, out wake);
                _queueWakes[name] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            wake?.TrySetResult();
            return;
        }
        var first = payload.IndexOf('|', StringComparison.Ordinal);
        var second = payload.IndexOf('|', first + 1);
        var expires = long.Parse(payload.AsSpan(0, first), CultureInfo.InvariantCulture);
        var target = payload[(first + 1)..second];
        var body = payload[(second + 1)..];
        if (body.StartsWith('#')) _ = FetchAsync(expires, target, long.Parse(body.AsSpan(1), CultureInfo.InvariantCulture));
        else Deliver(expires, target, (JsonObject)JsonNode.Parse(body)!);
    }

    private async Task FetchAsync(long expires, string target, long id)
    {
        try
        {
            var body = await RunAsync($"DELETE FROM {Messages} WHERE id = $1 RETURNING body", c => c.ExecuteScalarAsync(_closing.Token), _closing.Token, id).ConfigureAwait(false);
            if (body is string json) Deliver(expires, target, (JsonObject)JsonNode.Parse(json)!);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
            // the database went away or the layer closed: the message is lost, as an expired one would be
        }
    }

    /// <summary>A message for a channel, or for a group's members in this process (<c>@group</c>).</summary>
    private void Deliver(long expires, string target, JsonObject message)
    {
        if (!target.StartsWith('@'))
        {
            _inbox.Deliver(target, message, expires);
            return;
        }
        string[] members;
        lock (_lock) members = _localGroups.TryGetValue(target[1..], out var set) ? [.. set] : [];
        foreach (var member in members) _inbox.Deliver(member, (JsonObject)message.DeepClone(), expires);
    }

    // ---- groups ----

    /// <inheritdoc/>
    public override async Task GroupAddAsync(string group, string channel, CancellationToken cancellationToken = default)
    {
        RequireValidGroupName(group);
        RequireValidChannelName(channel);
        await RunAsync($"INSERT INTO {Groups} (group_name, channel, joined) VALUES ($1, $2, now()) ON CONFLICT (group_name, channel) DO UPDATE SET joined = now()",
            c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken, group, channel).ConfigureAwait(false);
        if (channel.Contains('!', StringComparison.Ordinal) && ProcessOf(channel) == _process)
            lock (_lock)
            {
                if (!_localGroups.TryGetValue(group, out var set)) _localGroups[group] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(channel);
            }
    }

    /// <inheritdoc/>
    public override async Task GroupDiscardAsync(string group, string channel, CancellationToken cancellationToken = default)
    {
        RequireValidChannelName(channel);
        RequireValidGroupName(group);
        await RunAsync($"DELETE FROM {Groups} WHERE group_name = $1 AND channel = $2", c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken, group, channel).ConfigureAwait(false);
        lock (_lock)
            if (_localGroups.TryGetValue(group, out var set) && set.Remove(channel) && set.Count == 0) _localGroups.Remove(group);
    }

    /// <inheritdoc/>
    public override async Task GroupSendAsync(string group, JsonObject message, CancellationToken cancellationToken = default)
    {
        RequireValidGroupName(group);
        var json = ToJson(message, MaxMessageSize, $"the PostgreSQL channel layer '{_alias}'");
        var members = new List<string>();
        await RunAsync($"WITH gone AS (DELETE FROM {Groups} WHERE joined < now() - $1) SELECT channel FROM {Groups} WHERE group_name = $2 AND joined >= now() - $1", async c =>
        {
            await using var reader = await c.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) members.Add(reader.GetString(0));
            return true;
        }, cancellationToken, GroupExpiry, group).ConfigureAwait(false);
        // one notification per process with members; shared channels get a row each (a full one misses it, as in Channels)
        foreach (var process in members.Where(m => m.Contains('!', StringComparison.Ordinal)).Select(ProcessOf).Distinct())
            await NotifyAsync(process, "@" + group, json, cancellationToken).ConfigureAwait(false);
        foreach (var shared in members.Where(m => !m.Contains('!', StringComparison.Ordinal)))
        {
            try
            {
                await SendAsync(shared, message, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelFull)
            {
            }
        }
    }

    /// <inheritdoc/>
    public override async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync($"WITH messages AS (DELETE FROM {Messages}) DELETE FROM {Groups}", c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        _inbox.Clear();
        lock (_lock) _localGroups.Clear();
    }

    /// <summary>Stops listening and closes the layer's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        if (_listening is not null) await _listening.ConfigureAwait(false);
        await _data.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
        _listenerLock.Dispose();
    }
}
