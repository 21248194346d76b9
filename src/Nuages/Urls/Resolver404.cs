using Nuages.Http;

namespace Nuages.Urls;

/// <summary>No URL pattern matched the path; answered as any <see cref="Http404"/>.</summary>
public sealed class Resolver404(string path) : Http404($"No URL pattern matches '{path}'.");
