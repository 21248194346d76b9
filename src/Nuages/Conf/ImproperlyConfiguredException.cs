namespace Nuages.Conf;

/// <summary>The site is set up wrongly (settings, URL patterns, views); raised at startup, never per request.</summary>
public sealed class ImproperlyConfiguredException(string message) : Exception(message);
