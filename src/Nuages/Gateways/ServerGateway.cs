namespace Nuages.Gateways;

/// <summary>Which gateway serves the site.</summary>
public enum ServerGateway
{
    /// <summary>The async gateway (Django's ASGI): async code inline, sync code on sync workers.</summary>
    Async,

    /// <summary>The sync gateway (Django's WSGI): each request on one of N blocking threads.</summary>
    Sync,
}
