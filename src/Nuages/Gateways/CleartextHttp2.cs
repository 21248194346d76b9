using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Nuages.Gateways;

/// <summary>
/// Lets one cleartext endpoint serve HTTP/1.1 and prior-knowledge HTTP/2 (h2c). Kestrel picks HTTP/2
/// on an HTTP/1.1+HTTP/2 endpoint only when TLS negotiated "h2" (aspnetcore#56984); without TLS it
/// would answer every HTTP/2 client with HTTP_1_1_REQUIRED. This connection middleware looks at the
/// first bytes without consuming them: when they are the HTTP/2 connection preface it tells Kestrel
/// "h2" was negotiated, otherwise the connection goes on as HTTP/1.1, untouched.
/// Kestrel also drops HTTP/2 from a cleartext endpoint when it binds, unless the endpoint is marked
/// TLS; <see cref="Enable"/> marks it (an internal flag, reached by reflection: if a Kestrel version
/// lacks it, the endpoint serves HTTP/1.1 only and <see cref="Enable"/> says so).
/// </summary>
internal static class CleartextHttp2
{
    private static readonly System.Reflection.PropertyInfo? IsTls =
        typeof(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions).GetProperty("IsTls", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

    /// <summary>Serves HTTP/1.1 and h2c on <paramref name="listen"/>; returns false when only HTTP/1.1 could be enabled.</summary>
    public static bool Enable(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
    {
        listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
        if (IsTls is null || IsTls.PropertyType != typeof(bool) || !IsTls.CanWrite)
        {
            listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
            return false;
        }
        IsTls.SetValue(listen, true);
        listen.Use(Middleware);
        return true;
    }

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        bool preface;
        try
        {
            preface = await StartsWithPrefaceAsync(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Closed or reset before sending a byte (health checks, port scans): nothing to serve, nothing to log,
            // as plain Kestrel logs nothing for them either.
            return;
        }
        if (preface)
        {
            // Kestrel chooses HTTP/2 on a mixed endpoint only for a connection that has TLS features
            // and negotiated "h2"; the request keeps its own :scheme (AllowAlternateSchemes).
            var negotiated = new NegotiatedH2();
            connection.Features.Set<ITlsApplicationProtocolFeature>(negotiated);
            connection.Features.Set<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>(negotiated);
        }
        await next(connection).ConfigureAwait(false);
    };

    private static async ValueTask<bool> StartsWithPrefaceAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            var head = buffer.Slice(0, length).ToArray();
            var matches = head.AsSpan().SequenceEqual(Preface.AsSpan(0, length));
            if (!matches || length == Preface.Length || result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start); // nothing consumed: the protocol reads it all again
                return matches && length == Preface.Length;
            }
            input.AdvanceTo(buffer.Start, buffer.End); // a prefix of the preface so far: wait for more
        }
    }

    private sealed class NegotiatedH2 : ITlsApplicationProtocolFeature, Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature
    {
        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; set; }

        public Task<System.Security.Cryptography.X509Certificates.X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) =>
            Task.FromResult<System.Security.Cryptography.X509Certificates.X509Certificate2?>(null);
    }
}
