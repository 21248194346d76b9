using System.Text.Json.Nodes;
using Nuages.Conf;
using Nuages.Db;
using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Contrib.Sessions;

/// <summary>
/// Django's database session store (django/contrib/sessions/backends/db.py): a row of <c>django_session</c> per
/// session — the key, the values encoded as Django encodes them, the expiry date — so Django and Nuages read each
/// other's sessions from one database. The async twins do async I/O.
/// </summary>
public class DbSessionStore(string? sessionKey, Settings settings, string alias = Database.DefaultAlias) : SessionBase(sessionKey, settings)
{
    private static readonly string Table = Backend.Quote(SessionsConfig.Table);

    /// <summary>The database alias.</summary>
    public string Alias { get; } = alias;

    private DatabaseConnection Connection => Database.Connections[Alias];

    private object Adapt(DateTimeOffset at) => Connections.For(Alias).AdaptValue(at);

    /// <summary>The unexpired row of this session: its data and expiry date; null (and the key dropped) when there is none.</summary>
    private protected async ValueTask<(string Data, DateTimeOffset Expires)?> RowAsync(bool async, CancellationToken cancellationToken)
    {
        var rows = await Connection.Query($"SELECT session_data, expire_date FROM {Table} WHERE session_key = %s AND expire_date > %s",
            [SessionKey, Adapt(Time.GetUtcNow())], async, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            SessionKey = null;
            return null;
        }
        return ((string)rows[0][0]!, (DateTimeOffset)ModelMeta.Read(rows[0][1]!, typeof(DateTimeOffset))!);
    }

    /// <inheritdoc/>
    protected override async ValueTask<OrderedDictionary<string, JsonNode?>> LoadAsync(bool async, CancellationToken cancellationToken) =>
        await RowAsync(async, cancellationToken).ConfigureAwait(false) is { } row ? Decode(row.Data) : [];

    /// <inheritdoc/>
    protected override async ValueTask<bool> ExistsAsync(string sessionKey, bool async, CancellationToken cancellationToken) =>
        (await Connection.Query($"SELECT 1 FROM {Table} WHERE session_key = %s", [sessionKey], async, cancellationToken).ConfigureAwait(false)).Count > 0;

    /// <inheritdoc/>
    protected override async ValueTask SaveAsync(bool mustCreate, bool async, CancellationToken cancellationToken)
    {
        if (SessionKey is null)
        {
            await CreateAsync(async, cancellationToken).ConfigureAwait(false);
            return;
        }
        var data = await SessionDataAsync(noLoad: mustCreate, async, cancellationToken).ConfigureAwait(false);
        var key = await KeyOrCreateAsync(async, cancellationToken).ConfigureAwait(false);
        var encoded = Encode(data);
        var expires = Adapt(GetExpiryDate());
        if (mustCreate)
        {
            try
            {
                await Connection.Execute($"INSERT INTO {Table} (session_key, session_data, expire_date) VALUES (%s, %s, %s)", [key, encoded, expires], async, cancellationToken).ConfigureAwait(false);
            }
            catch (IntegrityError)
            {
                throw new CreateError();
            }
        }
        else if (await Connection.Execute($"UPDATE {Table} SET session_data = %s, expire_date = %s WHERE session_key = %s", [encoded, expires, key], async, cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new UpdateError(); // deleted meanwhile: Django's forced update finds no row
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask DeleteAsync(string? sessionKey, bool async, CancellationToken cancellationToken)
    {
        if ((sessionKey ?? SessionKey) is not { } key) return;
        await Connection.Execute($"DELETE FROM {Table} WHERE session_key = %s", [key], async, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async ValueTask ClearExpiredAsync(bool async, CancellationToken cancellationToken) =>
        await Connection.Execute($"DELETE FROM {Table} WHERE expire_date < %s", [Adapt(Time.GetUtcNow())], async, cancellationToken).ConfigureAwait(false);
}
