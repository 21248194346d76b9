using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Contrib.Sessions;

/// <summary>
/// A visitor's session, as Django's <c>SessionBase</c> (django/contrib/sessions/backends/base.py): a dictionary of JSON
/// values read from the store on first use (never for a request that does not touch it), with <see cref="Modified"/>
/// and <see cref="Accessed"/> telling the middleware whether to save it and to vary on the cookie. Every method has its
/// async twin (Django 5's <c>aget</c>, <c>aset</c>, <c>asave</c>…): in async code use them, since a store that reads a
/// database refuses sync I/O there. The store behind it implements the few operations at the bottom once for both modes.
/// </summary>
public abstract partial class SessionBase
{
    /// <summary>The key Django stores a session's own expiry under.</summary>
    public const string ExpiryKey = "_session_expiry";

    /// <summary>Django's test cookie key and value.</summary>
    public const string TestCookieName = "testcookie", TestCookieValue = "worked";

    private const string KeyChars = "abcdefghijklmnopqrstuvwxyz0123456789";

    private OrderedDictionary<string, JsonNode?>? _cache;
    private string? _sessionKey;

    /// <summary>A session for <paramref name="sessionKey"/> (the cookie's value; null for a new visitor).</summary>
    protected SessionBase(string? sessionKey, Settings settings)
    {
        Settings = settings;
        SessionKey = sessionKey;
    }

    /// <summary>The site's settings.</summary>
    protected Settings Settings { get; }

    /// <summary>The clock expiry dates are read from.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>The session's key, as the cookie carries it; null until the session is saved. A key shorter than 8 characters is no key.</summary>
    public string? SessionKey
    {
        get => _sessionKey;
        protected set => _sessionKey = value is { Length: >= 8 } ? value : null;
    }

    /// <summary>Whether the session was read or written in this request (the response then varies on Cookie).</summary>
    public bool Accessed { get; set; }

    /// <summary>Whether the session changed in this request (the middleware then saves it); set it after changing a value in place.</summary>
    public bool Modified { get; set; }

    /// <summary>The salt of <see cref="Encode"/>: Django's <c>django.contrib.sessions.SessionStore</c>, shared by its stores.</summary>
    protected virtual string KeySalt => "django.contrib.sessions.SessionStore";

    // ---- The dictionary (sync, loading on first use; the async twins load asynchronously).

    /// <summary>The value under <paramref name="key"/>; <see cref="KeyNotFoundException"/> when missing (Django's KeyError).</summary>
    public JsonNode? this[string key]
    {
        get => Data().TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}'");
        set => Set(key, value);
    }

    /// <summary>The value under <paramref name="key"/> as a <typeparamref name="T"/>, or <paramref name="default"/>.</summary>
    public T? Get<T>(string key, T? @default = default) => Read(Data(), key, @default);

    /// <summary>The async twin of <see cref="Get{T}"/> (Django's <c>aget</c>).</summary>
    public async ValueTask<T?> GetAsync<T>(string key, T? @default = default, CancellationToken cancellationToken = default) =>
        Read(await DataAsync(cancellationToken).ConfigureAwait(false), key, @default);

    /// <summary>Stores <paramref name="value"/> (anything System.Text.Json writes) under <paramref name="key"/>.</summary>
    public void Set(string key, object? value) => Write(Data(), key, value);

    /// <summary>The async twin of <see cref="Set"/> (Django's <c>aset</c>).</summary>
    public async ValueTask SetAsync(string key, object? value, CancellationToken cancellationToken = default) =>
        Write(await DataAsync(cancellationToken).ConfigureAwait(false), key, value);

    /// <summary>Whether <paramref name="key"/> is in the session (Django's <c>key in session</c>).</summary>
    public bool Has(string key) => Data().ContainsKey(key);

    /// <summary>The async twin of <see cref="Has"/> (Django's <c>ahas_key</c>).</summary>
    public async ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default) => (await DataAsync(cancellationToken).ConfigureAwait(false)).ContainsKey(key);

    /// <summary>Removes <paramref name="key"/> and returns its value, or <paramref name="default"/> (Django's <c>pop</c>).</summary>
    public JsonNode? Pop(string key, JsonNode? @default = null) => Remove(Data(), key, @default);

    /// <summary>The async twin of <see cref="Pop"/> (Django's <c>apop</c>).</summary>
    public async ValueTask<JsonNode?> PopAsync(string key, JsonNode? @default = null, CancellationToken cancellationToken = default) =>
        Remove(await DataAsync(cancellationToken).ConfigureAwait(false), key, @default);

    /// <summary>Removes <paramref name="key"/>; whether it was there (Django's <c>del session[key]</c>).</summary>
    public bool Delete(string key)
    {
        var data = Data();
        if (!data.Remove(key)) return false;
        Modified = true;
        return true;
    }

    /// <summary>The value under <paramref name="key"/>, storing <paramref name="value"/> first when there is none (Django's <c>setdefault</c>).</summary>
    public JsonNode? SetDefault(string key, object? value)
    {
        var data = Data();
        if (data.TryGetValue(key, out var existing)) return existing;
        Write(data, key, value);
        return data[key];
    }

    /// <summary>Stores every pair (Django's <c>update</c>).</summary>
    public void Update(IEnumerable<KeyValuePair<string, object?>> values)
    {
        var data = Data();
        foreach (var (key, value) in values) data[key] = ToNode(value);
        Modified = true;
    }

    /// <summary>The async twin of <see cref="Update"/> (Django's <c>aupdate</c>).</summary>
    public async ValueTask UpdateAsync(IEnumerable<KeyValuePair<string, object?>> values, CancellationToken cancellationToken = default)
    {
        await DataAsync(cancellationToken).ConfigureAwait(false);
        Update(values);
    }

    /// <summary>The keys (Django's <c>keys()</c>).</summary>
    public IReadOnlyList<string> Keys() => [.. Data().Keys];

    /// <summary>The async twin of <see cref="Keys"/> (Django's <c>akeys</c>).</summary>
    public async ValueTask<IReadOnlyList<string>> KeysAsync(CancellationToken cancellationToken = default) => [.. (await DataAsync(cancellationToken).ConfigureAwait(false)).Keys];

    /// <summary>The pairs (Django's <c>items()</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Items() => [.. Data()];

    /// <summary>The async twin of <see cref="Items"/> (Django's <c>aitems</c>).</summary>
    public async ValueTask<IReadOnlyList<KeyValuePair<string, JsonNode?>>> ItemsAsync(CancellationToken cancellationToken = default) => [.. await DataAsync(cancellationToken).ConfigureAwait(false)];

    /// <summary>Empties the session without reading it (Django's <c>clear</c>): the key stays.</summary>
    public void Clear()
    {
        _cache = [];
        Accessed = true;
        Modified = true;
    }

    /// <summary>Whether the session has neither a key nor values read or set (Django's <c>is_empty</c>): nothing is loaded.</summary>
    public bool IsEmpty() => SessionKey is null && (_cache is null || _cache.Count == 0);

    // ---- Test cookie.

    /// <summary>Sets Django's test value, to see on the next request whether the browser keeps cookies.</summary>
    public void SetTestCookie() => Set(TestCookieName, TestCookieValue);

    /// <summary>The async twin of <see cref="SetTestCookie"/>.</summary>
    public ValueTask SetTestCookieAsync(CancellationToken cancellationToken = default) => SetAsync(TestCookieName, TestCookieValue, cancellationToken);

    /// <summary>Whether the test value came back.</summary>
    public bool TestCookieWorked() => Get<string>(TestCookieName) == TestCookieValue;

    /// <summary>The async twin of <see cref="TestCookieWorked"/>.</summary>
    public async ValueTask<bool> TestCookieWorkedAsync(CancellationToken cancellationToken = default) => await GetAsync<string>(TestCookieName, cancellationToken: cancellationToken).ConfigureAwait(false) == TestCookieValue;

    /// <summary>Removes the test value.</summary>
    public void DeleteTestCookie() => Delete(TestCookieName);

    /// <summary>The async twin of <see cref="DeleteTestCookie"/>.</summary>
    public async ValueTask DeleteTestCookieAsync(CancellationToken cancellationToken = default)
    {
        await DataAsync(cancellationToken).ConfigureAwait(false);
        Delete(TestCookieName);
    }

    // ---- Expiry, as Django's get_expiry_age / get_expiry_date / set_expiry.

    /// <summary>Seconds until the session expires, from now.</summary>
    public int GetExpiryAge() => ExpiryAge(Get<JsonNode>(ExpiryKey), Time.GetUtcNow());

    /// <summary>The async twin of <see cref="GetExpiryAge"/>.</summary>
    public async ValueTask<int> GetExpiryAgeAsync(CancellationToken cancellationToken = default) =>
        ExpiryAge(await GetAsync<JsonNode>(ExpiryKey, cancellationToken: cancellationToken).ConfigureAwait(false), Time.GetUtcNow());

    /// <summary>When the session expires.</summary>
    public DateTimeOffset GetExpiryDate() => ExpiryDate(Get<JsonNode>(ExpiryKey), Time.GetUtcNow());

    /// <summary>The async twin of <see cref="GetExpiryDate"/>.</summary>
    public async ValueTask<DateTimeOffset> GetExpiryDateAsync(CancellationToken cancellationToken = default) =>
        ExpiryDate(await GetAsync<JsonNode>(ExpiryKey, cancellationToken: cancellationToken).ConfigureAwait(false), Time.GetUtcNow());

    /// <summary>Expires the session after <paramref name="seconds"/> of inactivity; 0 when the browser closes.</summary>
    public void SetExpiry(int seconds) => Set(ExpiryKey, seconds);

    /// <summary>Expires the session <paramref name="after"/> from now (stored as that date, as Django stores a timedelta).</summary>
    public void SetExpiry(TimeSpan after) => SetExpiry(Time.GetUtcNow() + after);

    /// <summary>Expires the session at <paramref name="at"/>.</summary>
    public void SetExpiry(DateTimeOffset at) => Set(ExpiryKey, IsoFormat(at));

    /// <summary>Back to the site's policy (<c>SessionCookieAge</c>, <c>SessionExpireAtBrowserClose</c>): Django's <c>set_expiry(None)</c>.</summary>
    public void ClearExpiry() => Delete(ExpiryKey);

    /// <summary>The async twin of <see cref="SetExpiry(int)"/>.</summary>
    public async ValueTask SetExpiryAsync(int seconds, CancellationToken cancellationToken = default) => await SetAsync(ExpiryKey, seconds, cancellationToken).ConfigureAwait(false);

    /// <summary>The async twin of <see cref="SetExpiry(DateTimeOffset)"/>.</summary>
    public async ValueTask SetExpiryAsync(DateTimeOffset at, CancellationToken cancellationToken = default) => await SetAsync(ExpiryKey, IsoFormat(at), cancellationToken).ConfigureAwait(false);

    /// <summary>Whether the cookie should end with the browser: the session's own choice (expiry 0), else the setting.</summary>
    public bool GetExpireAtBrowserClose()
    {
        var expiry = Get<JsonNode>(ExpiryKey);
        return expiry is null ? Settings.SessionExpireAtBrowserClose : expiry.GetValueKind() == JsonValueKind.Number && expiry.GetValue<double>() == 0;
    }

    /// <summary>The async twin of <see cref="GetExpireAtBrowserClose"/>.</summary>
    public async ValueTask<bool> GetExpireAtBrowserCloseAsync(CancellationToken cancellationToken = default)
    {
        await DataAsync(cancellationToken).ConfigureAwait(false);
        return GetExpireAtBrowserClose();
    }

    /// <summary>Django's <c>datetime.isoformat()</c> of an aware UTC datetime: <c>2026-01-01T00:10:00+00:00</c>, microseconds when there are some.</summary>
    internal static string IsoFormat(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        var format = utc.Ticks % TimeSpan.TicksPerSecond / 10 == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.ffffff";
        return utc.ToString(format, CultureInfo.InvariantCulture) + "+00:00";
    }

    private int ExpiryAge(JsonNode? expiry, DateTimeOffset now)
    {
        if (expiry is null || IsZero(expiry)) return Settings.SessionCookieAge;
        if (expiry.GetValueKind() == JsonValueKind.Number) return (int)expiry.GetValue<double>();
        var delta = ParseDate(expiry) - now;
        return (int)Math.Floor(delta.TotalSeconds); // Python's delta.days * 86400 + delta.seconds
    }

    private DateTimeOffset ExpiryDate(JsonNode? expiry, DateTimeOffset now)
    {
        if (expiry is not null && expiry.GetValueKind() == JsonValueKind.String) return ParseDate(expiry);
        var seconds = expiry is null || IsZero(expiry) ? Settings.SessionCookieAge : (int)expiry.GetValue<double>();
        return now.AddSeconds(seconds);
    }

    private static bool IsZero(JsonNode expiry) => expiry.GetValueKind() == JsonValueKind.Number && expiry.GetValue<double>() == 0;

    private static DateTimeOffset ParseDate(JsonNode expiry) =>
        DateTimeOffset.TryParse(expiry.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new InvalidOperationException($"The session's {ExpiryKey} is not a date: {expiry.ToJsonString()}.");

    // ---- Life of the session: flush, cycle, save.

    /// <summary>Empties the session and deletes it from the store, with a new key next time (Django's <c>flush</c>, as logout does).</summary>
    public void Flush() => Sync(FlushCore(false, default));

    /// <summary>The async twin of <see cref="Flush"/> (Django's <c>aflush</c>).</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => FlushCore(true, cancellationToken);

    /// <summary>Keeps the values under a new key, deleting the old one (Django's <c>cycle_key</c>, as login does against session fixation).</summary>
    public void CycleKey() => Sync(CycleKeyCore(false, default));

    /// <summary>The async twin of <see cref="CycleKey"/> (Django's <c>acycle_key</c>).</summary>
    public ValueTask CycleKeyAsync(CancellationToken cancellationToken = default) => CycleKeyCore(true, cancellationToken);

    /// <summary>Writes the session to its store; <paramref name="mustCreate"/> fails with <see cref="CreateError"/> if the key exists.</summary>
    public void Save(bool mustCreate = false) => Sync(SaveAsync(mustCreate, false, default));

    /// <summary>The async twin of <see cref="Save"/> (Django's <c>asave</c>).</summary>
    public ValueTask SaveAsync(bool mustCreate = false, CancellationToken cancellationToken = default) => SaveAsync(mustCreate, true, cancellationToken);

    /// <summary>Whether the store has a session under <paramref name="sessionKey"/>.</summary>
    public bool Exists(string sessionKey) => Sync(ExistsAsync(sessionKey, false, default));

    /// <summary>The async twin of <see cref="Exists"/>.</summary>
    public ValueTask<bool> ExistsAsync(string sessionKey, CancellationToken cancellationToken = default) => ExistsAsync(sessionKey, true, cancellationToken);

    /// <summary>Removes expired sessions from the store (the <c>clearsessions</c> command); stores that expire on their own do nothing.</summary>
    public void ClearExpired() => Sync(ClearExpiredAsync(false, default));

    /// <summary>The async twin of <see cref="ClearExpired"/>.</summary>
    public ValueTask ClearExpiredAsync(CancellationToken cancellationToken = default) => ClearExpiredAsync(true, cancellationToken);

    private async ValueTask FlushCore(bool async, CancellationToken cancellationToken)
    {
        Clear();
        await DeleteAsync(SessionKey, async, cancellationToken).ConfigureAwait(false);
        SessionKey = null;
    }

    /// <summary>Django's <c>cycle_key</c>: the values under a new key, the old key deleted.</summary>
    protected virtual async ValueTask CycleKeyCore(bool async, CancellationToken cancellationToken)
    {
        var data = async ? await DataAsync(cancellationToken).ConfigureAwait(false) : Data();
        var old = SessionKey;
        await CreateAsync(async, cancellationToken).ConfigureAwait(false);
        _cache = data;
        if (old is not null) await DeleteAsync(old, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes a new session in the store under a fresh key (Django's <c>create</c>): tries keys until one is free.</summary>
    protected virtual async ValueTask CreateAsync(bool async, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            SessionKey = await NewSessionKeyAsync(async, cancellationToken).ConfigureAwait(false);
            try
            {
                await SaveAsync(mustCreate: true, async, cancellationToken).ConfigureAwait(false);
            }
            catch (CreateError)
            {
                continue; // the key was taken between the check and the insert
            }
            Modified = true;
            return;
        }
        throw new InvalidOperationException("Unable to create a new session key. It is likely that the cache is unavailable.");
    }

    /// <summary>A random key of 32 lowercase letters and digits that the store does not have (Django's <c>_get_new_session_key</c>).</summary>
    protected async ValueTask<string> NewSessionKeyAsync(bool async, CancellationToken cancellationToken)
    {
        while (true)
        {
            var key = RandomNumberGenerator.GetString(KeyChars, 32);
            if (!await ExistsAsync(key, async, cancellationToken).ConfigureAwait(false)) return key;
        }
    }

    /// <summary>The key, made (and the session created in the store) when there is none yet.</summary>
    protected async ValueTask<string> KeyOrCreateAsync(bool async, CancellationToken cancellationToken)
    {
        if (SessionKey is null) SessionKey = await NewSessionKeyAsync(async, cancellationToken).ConfigureAwait(false);
        return SessionKey!;
    }

    /// <summary>The values as they stand, for a store to write: loaded unless <paramref name="noLoad"/> (a new session has nothing to load).</summary>
    protected async ValueTask<OrderedDictionary<string, JsonNode?>> SessionDataAsync(bool noLoad, bool async, CancellationToken cancellationToken)
    {
        Accessed = true;
        if (_cache is not null) return _cache;
        if (SessionKey is null || noLoad) return _cache = [];
        return _cache = await LoadAsync(async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets what is in memory (a store's load that found the session elsewhere, as cached_db's cache).</summary>
    protected void Remember(OrderedDictionary<string, JsonNode?> data) => _cache = data;

    private OrderedDictionary<string, JsonNode?> Data() => Sync(SessionDataAsync(false, false, default));

    private ValueTask<OrderedDictionary<string, JsonNode?>> DataAsync(CancellationToken cancellationToken) => SessionDataAsync(false, true, cancellationToken);

    // ---- Encoding: Django's signing.dumps of the dictionary, compressed, under the store's salt.

    /// <summary>The session's values as Django's database and cache stores write them.</summary>
    public string Encode(IEnumerable<KeyValuePair<string, JsonNode?>> data) =>
        new TimestampSigner(salt: KeySalt, time: Time).SignObject(ToObject(data), compress: true);

    /// <summary>The values of an encoded session; empty (and logged, as Django logs "Session data corrupted") when it was tampered with.</summary>
    public OrderedDictionary<string, JsonNode?> Decode(string sessionData)
    {
        try
        {
            return FromObject(new TimestampSigner(salt: KeySalt, time: Time).UnsignObject(sessionData));
        }
        catch (BadSignature)
        {
            Log.Corrupted(Logger);
            return [];
        }
    }

    internal static JsonObject ToObject(IEnumerable<KeyValuePair<string, JsonNode?>> data)
    {
        var json = new JsonObject();
        foreach (var (key, value) in data) json[key] = value?.DeepClone();
        return json;
    }

    internal static OrderedDictionary<string, JsonNode?> FromObject(JsonNode? node)
    {
        var data = new OrderedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (node is JsonObject json)
            foreach (var (key, value) in json) data[key] = value?.DeepClone();
        return data;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), JsonSigningSerializer.Options),
    };

    private static T? Read<T>(OrderedDictionary<string, JsonNode?> data, string key, T? @default)
    {
        if (!data.TryGetValue(key, out var value)) return @default;
        if (value is null) return default;
        if (typeof(T) == typeof(JsonNode)) return (T)(object)value;
        return value.Deserialize<T>(JsonSigningSerializer.Options);
    }

    private void Write(OrderedDictionary<string, JsonNode?> data, string key, object? value)
    {
        data[key] = ToNode(value);
        Modified = true;
    }

    private JsonNode? Remove(OrderedDictionary<string, JsonNode?> data, string key, JsonNode? @default)
    {
        if (!data.Remove(key, out var value)) return @default;
        Modified = true;
        return value;
    }

    private protected static T Sync<T>(ValueTask<T> task) => Async.SyncMode.Result(task, SyncModeName);

    private protected static void Sync(ValueTask task) => Async.SyncMode.Wait(task, SyncModeName);

    internal const string SyncModeName = "A session store";

    // ---- What a store implements, once for both modes; with async false each must complete synchronously.

    /// <summary>The values stored under <see cref="SessionKey"/>; empty, with the key dropped, when there are none or they expired.</summary>
    protected abstract ValueTask<OrderedDictionary<string, JsonNode?>> LoadAsync(bool async, CancellationToken cancellationToken);

    /// <summary>Whether the store has <paramref name="sessionKey"/>.</summary>
    protected abstract ValueTask<bool> ExistsAsync(string sessionKey, bool async, CancellationToken cancellationToken);

    /// <summary>Writes the session; <see cref="CreateError"/> when <paramref name="mustCreate"/> and the key exists, <see cref="UpdateError"/> when updating a session that is gone.</summary>
    protected abstract ValueTask SaveAsync(bool mustCreate, bool async, CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="sessionKey"/> (this session's when null) from the store.</summary>
    protected abstract ValueTask DeleteAsync(string? sessionKey, bool async, CancellationToken cancellationToken);

    /// <summary>Removes expired sessions; nothing by default.</summary>
    protected virtual ValueTask ClearExpiredAsync(bool async, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(4001, LogLevel.Warning, "Session data corrupted", EventName = "SuspiciousSession")]
        public static partial void Corrupted(ILogger logger);
    }
}

/// <summary>A new session's key was taken (Django's <c>CreateError</c>): the store tries another.</summary>
public sealed class CreateError() : Exception("The session key already exists.");

/// <summary>The session was deleted while the request ran (Django's <c>UpdateError</c>), as by a logout in another tab.</summary>
public sealed class UpdateError() : Exception("The session no longer exists.");

/// <summary>
/// Raised by the middleware when the session was deleted before the request completed (Django's <c>SessionInterrupted</c>,
/// a 400): "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example."
/// </summary>
public sealed class SessionInterrupted(string message) : BadRequest(message);
