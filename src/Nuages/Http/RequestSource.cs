namespace Nuages.Http;

/// <summary>
/// Where a request came from: the connection facts a gateway knows, read only when a view asks
/// (formatting an IP address per request would be waste when nobody looks).
/// </summary>
internal abstract class RequestSource
{
    public abstract string? RemoteAddress { get; }
    public abstract string? RemotePort { get; }
    public abstract string? ServerName { get; }
    public abstract string? ServerPort { get; }
    public abstract string Protocol { get; }

    /// <summary>Requests built by the test clients may use the host <c>testserver</c>, as Django's test runner allows.</summary>
    public virtual bool AllowsTestServer => false;
}

/// <summary>A request source with fixed values: what the test clients and request factories build.</summary>
internal sealed class FixedRequestSource(string? remoteAddress, string? remotePort, string? serverName, string? serverPort, string protocol = "HTTP/1.1") : RequestSource
{
    public override bool AllowsTestServer => true;

    public override string? RemoteAddress => remoteAddress;
    public override string? RemotePort => remotePort;
    public override string? ServerName => serverName;
    public override string? ServerPort => serverPort;
    public override string Protocol => protocol;
}
