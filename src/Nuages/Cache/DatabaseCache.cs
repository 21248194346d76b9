using System.Globalization;
using Nuages.Conf;
using Nuages.Db;
using Nuages.Db.Backends;

namespace Nuages.Cache;

/// <summary>
/// Django's database cache (django/core/cache/backends/db.py): entries in the table <c>Location</c> names, with
/// Django's layout (<c>cache_key</c> varchar(255) primary key, <c>value</c> text, <c>expires</c> datetime, indexed),
/// which <c>createcachetable</c> makes; on the database alias <c>Options["Database"]</c> (default <c>default</c>).
/// Expired rows are deleted as they are read; when more than <c>MAX_ENTRIES</c> rows exist, expired ones and then one
/// in <c>CULL_FREQUENCY</c> (by key order) go, as Django culls. Writes that fail on a database error (two writers
/// racing on one key) answer false rather than raise, as Django's do. The async twins do async I/O.
/// Values are base64 text of Nuages' encoding (Django's are pickles): the table is shared, not the entries.
/// </summary>
public sealed class DatabaseCache : BaseCache
{
    /// <summary>The option naming the database alias.</summary>
    public const string DatabaseOption = "Database";

    private readonly string _table;

    /// <summary>A database cache in the table <c>Location</c> names.</summary>
    public DatabaseCache(string alias, CacheSettings settings) : base(alias, settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Location))
            throw new Core.ImproperlyConfigured($"The cache '{alias}' is a database cache and needs a table: set its Location (\"Caches\": {{ \"{alias}\": {{ \"Backend\": \"db\", \"Location\": \"my_cache_table\" }} }}), then run createcachetable.");
        Table = settings.Location;
        DatabaseAlias = settings.Options.GetValueOrDefault(DatabaseOption, Database.DefaultAlias);
        _table = Backend.Quote(Table);
    }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The database alias the table is in.</summary>
    public string DatabaseAlias { get; }

    private DatabaseConnection Connection => Database.Connections[DatabaseAlias];

    private Backend Engine => Connections.For(DatabaseAlias);

    /// <summary>Now, to the second, as the backend stores datetimes (Django stores expiries without microseconds).</summary>
    private object Now() => Engine.AdaptValue(Truncate(Time.GetUtcNow()));

    private object Expiry(TimeSpan? timeout) => Engine.AdaptValue(timeout is { } t
        ? Truncate(Time.GetUtcNow() + (t <= TimeSpan.Zero ? TimeSpan.FromSeconds(-1) : t))
        : Truncate(DateTimeOffset.MaxValue));

    private static DateTimeOffset Truncate(DateTimeOffset value) => new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <inheritdoc/>
    protected override async ValueTask<byte[]?> ReadAsync(string key, bool async, CancellationToken cancellationToken) =>
        (await ReadManyAsync([key], async, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(key);

    /// <inheritdoc/>
    protected override async ValueTask<Dictionary<string, byte[]>> ReadManyAsync(IReadOnlyList<string> keys, bool async, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (keys.Count == 0) return found;
        var placeholders = string.Join(", ", keys.Select(_ => "%s"));
        var rows = await Connection.Query($"SELECT cache_key, value, CASE WHEN expires < %s THEN 1 ELSE 0 END FROM {_table} WHERE cache_key IN ({placeholders})",
            [Now(), .. keys], async, cancellationToken).ConfigureAwait(false);
        var expired = new List<string>();
        foreach (var row in rows)
        {
            var key = (string)row[0]!;
            if (Convert.ToInt64(row[2], CultureInfo.InvariantCulture) == 1) expired.Add(key);
            else if (Decode((string)row[1]!) is { } value) found[key] = value;
        }
        if (expired.Count > 0)
            await Connection.Execute($"DELETE FROM {_table} WHERE cache_key IN ({string.Join(", ", expired.Select(_ => "%s"))})", [.. expired], async, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>An entry's bytes; null for one Nuages did not write (a Django pickle), which reads as a miss.</summary>
    private static byte[]? Decode(string text)
    {
        try
        {
            var data = Convert.FromBase64String(text);
            return data.Length > 0 && (data[0] is (byte)'J' or (byte)'B' || CacheSerializer.TryInteger(data, out _)) ? data : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<bool> WriteAsync(string key, byte[] value, TimeSpan? timeout, WriteMode mode, bool async, CancellationToken cancellationToken)
    {
        var now = Now();
        var count = Convert.ToInt64((await Connection.Query($"SELECT COUNT(*) FROM {_table}", [], async, cancellationToken).ConfigureAwait(false))[0][0], CultureInfo.InvariantCulture);
        if (count > MaxEntries) await Cull(now, count, async, cancellationToken).ConfigureAwait(false);
        var expires = Expiry(timeout);
        var encoded = Convert.ToBase64String(value);
        try
        {
            var atomic = async ? await Atomic.BeginAsync(DatabaseAlias, cancellationToken: cancellationToken).ConfigureAwait(false) : Atomic.Begin(DatabaseAlias);
            try
            {
                var current = await Connection.Query($"SELECT CASE WHEN expires < %s THEN 1 ELSE 0 END FROM {_table} WHERE cache_key = %s", [now, key], async, cancellationToken).ConfigureAwait(false);
                var exists = current.Count > 0;
                var stale = exists && Convert.ToInt64(current[0][0], CultureInfo.InvariantCulture) == 1;
                var written = true;
                if (exists && mode == WriteMode.Touch)
                    await Connection.Execute($"UPDATE {_table} SET expires = %s WHERE cache_key = %s", [expires, key], async, cancellationToken).ConfigureAwait(false);
                else if (exists && (mode == WriteMode.Set || mode == WriteMode.Add && stale))
                    await Connection.Execute($"UPDATE {_table} SET value = %s, expires = %s WHERE cache_key = %s", [encoded, expires, key], async, cancellationToken).ConfigureAwait(false);
                else if (!exists && mode != WriteMode.Touch)
                    await Connection.Execute($"INSERT INTO {_table} (cache_key, value, expires) VALUES (%s, %s, %s)", [key, encoded, expires], async, cancellationToken).ConfigureAwait(false);
                else
                    written = false;
                if (async) await atomic.CommitAsync(cancellationToken).ConfigureAwait(false);
                else atomic.Commit();
                return written;
            }
            finally
            {
                // after a commit, nothing; after an exception, the rollback
                if (async) await atomic.DisposeAsync().ConfigureAwait(false);
                else atomic.Dispose();
            }
        }
        catch (DatabaseError)
        {
            // two writers racing on one key: the loser's write is dropped, as Django's are
            return false;
        }
    }

    private async ValueTask Cull(object now, long count, bool async, CancellationToken cancellationToken)
    {
        if (CullFrequency == 0)
        {
            await ClearAllAsync(async, cancellationToken).ConfigureAwait(false);
            return;
        }
        var deleted = await Connection.Execute($"DELETE FROM {_table} WHERE expires < %s", [now], async, cancellationToken).ConfigureAwait(false);
        var remaining = count - deleted;
        if (remaining <= MaxEntries) return;
        var rows = await Connection.Query($"SELECT cache_key FROM {_table} ORDER BY cache_key LIMIT 1 OFFSET %s", [remaining / CullFrequency], async, cancellationToken).ConfigureAwait(false);
        if (rows.Count > 0)
            await Connection.Execute($"DELETE FROM {_table} WHERE cache_key < %s", [rows[0][0]], async, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async ValueTask<bool> RemoveAsync(string key, bool async, CancellationToken cancellationToken) =>
        await Connection.Execute($"DELETE FROM {_table} WHERE cache_key = %s", [key], async, cancellationToken).ConfigureAwait(false) > 0;

    /// <inheritdoc/>
    protected override async ValueTask RemoveManyAsync(IReadOnlyList<string> keys, bool async, CancellationToken cancellationToken)
    {
        if (keys.Count == 0) return;
        await Connection.Execute($"DELETE FROM {_table} WHERE cache_key IN ({string.Join(", ", keys.Select(_ => "%s"))})", [.. keys], async, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async ValueTask<bool> ContainsAsync(string key, bool async, CancellationToken cancellationToken) =>
        (await Connection.Query($"SELECT cache_key FROM {_table} WHERE cache_key = %s AND expires >= %s", [key, Now()], async, cancellationToken).ConfigureAwait(false)).Count > 0;

    /// <inheritdoc/>
    protected override async ValueTask ClearAllAsync(bool async, CancellationToken cancellationToken) =>
        await Connection.Execute($"DELETE FROM {_table}", [], async, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Makes the table unless it exists (Django's <c>createcachetable</c>); the statements it ran, or would run when
    /// <paramref name="dryRun"/>; none when the table exists.
    /// </summary>
    public async Task<IReadOnlyList<string>> CreateTableAsync(bool dryRun = false, CancellationToken cancellationToken = default)
    {
        if ((await Connection.QueryAsync(Engine.TableExistsQuery, [Table], cancellationToken).ConfigureAwait(false)).Count > 0) return [];
        var statements = CreateTableStatements();
        if (dryRun) return statements;
        await Atomic.RunAsync(async () =>
        {
            foreach (var statement in statements) await Connection.ExecuteAsync(statement.Replace("%", "%%", StringComparison.Ordinal), [], cancellationToken).ConfigureAwait(false);
        }, DatabaseAlias, cancellationToken: cancellationToken).ConfigureAwait(false);
        return statements;
    }

    /// <summary>The statements that make the table, as Django's <c>createcachetable</c> writes them for this database.</summary>
    public IReadOnlyList<string> CreateTableStatements()
    {
        var backend = Engine;
        return
        [
            $"CREATE TABLE {_table} (\"cache_key\" {backend.ColumnType(typeof(string), 255, false)} NOT NULL PRIMARY KEY, \"value\" {backend.ColumnType(typeof(string), null, false)} NOT NULL, \"expires\" {backend.ColumnType(typeof(DateTimeOffset), null, false)} NOT NULL)",
            $"CREATE INDEX {Backend.Quote(Table + "_expires")} ON {_table} (\"expires\")",
        ];
    }
}
