using System.Globalization;
using StackExchange.Redis;

namespace Nuages.Core;

/// <summary>Redis server URLs as redis-py writes them, for the Redis cache and the Redis channel layer.</summary>
internal static class RedisUrl
{
    /// <summary>A redis-py URL as StackExchange.Redis options; the Options given pass through as its settings.</summary>
    public static ConfigurationOptions Options(string owner, string setting, string url, IReadOnlyDictionary<string, string> options, out int database)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || string.IsNullOrEmpty(uri.Host))
            throw new ImproperlyConfigured($"The {owner} has the {setting} '{url}', which is not a Redis URL: write redis://host:port/db (rediss:// for TLS), as in redis://127.0.0.1:6379/0.");
        var configuration = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            AllowAdmin = true, // FLUSHDB, as Django's clear() sends
            BacklogPolicy = BacklogPolicy.FailFast,
            Ssl = uri.Scheme == "rediss",
            ConnectTimeout = 2000,
        };
        configuration.EndPoints.Add(uri.Host, uri.Port > 0 ? uri.Port : 6379);
        if (uri.UserInfo.Length > 0)
        {
            var (user, password) = uri.UserInfo.IndexOf(':', StringComparison.Ordinal) is var cut and >= 0
                ? (Uri.UnescapeDataString(uri.UserInfo[..cut]), Uri.UnescapeDataString(uri.UserInfo[(cut + 1)..]))
                : ("", Uri.UnescapeDataString(uri.UserInfo));
            if (user.Length > 0) configuration.User = user;
            if (password.Length > 0) configuration.Password = password;
        }
        database = 0;
        var path = uri.AbsolutePath.Trim('/');
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var db = path.Length > 0 ? path : query["db"];
        if (db is not null && !int.TryParse(db, NumberStyles.None, CultureInfo.InvariantCulture, out database))
            throw new ImproperlyConfigured($"The {owner} has the {setting} '{url}', whose database '{db}' is not a number.");
        foreach (var (key, value) in options)
        {
            if (key is "MAX_ENTRIES" or "CULL_FREQUENCY") continue;
            try
            {
                var parsed = ConfigurationOptions.Parse($"{key}={value}", ignoreUnknown: false);
                CopyOption(configuration, parsed, key);
            }
            catch (ArgumentException e)
            {
                throw new ImproperlyConfigured($"The {owner} has the option {key}={value}, which StackExchange.Redis does not take: {e.Message}");
            }
        }
        return configuration;
    }

    /// <summary>The options may set these, as StackExchange.Redis names them.</summary>
    private static void CopyOption(ConfigurationOptions target, ConfigurationOptions parsed, string key)
    {
        switch (key.ToLowerInvariant())
        {
            case "connecttimeout": target.ConnectTimeout = parsed.ConnectTimeout; break;
            case "synctimeout": target.SyncTimeout = parsed.SyncTimeout; break;
            case "asynctimeout": target.AsyncTimeout = parsed.AsyncTimeout; break;
            case "ssl": target.Ssl = parsed.Ssl; break;
            case "sslhost": target.SslHost = parsed.SslHost; break;
            case "password": target.Password = parsed.Password; break;
            case "user": target.User = parsed.User; break;
            case "connectretry": target.ConnectRetry = parsed.ConnectRetry; break;
            case "keepalive": target.KeepAlive = parsed.KeepAlive; break;
            case "name": target.ClientName = parsed.ClientName; break;
            default: throw new ArgumentException($"'{key}' is not among connectTimeout, syncTimeout, asyncTimeout, ssl, sslHost, password, user, connectRetry, keepAlive, name.");
        }
    }

}
