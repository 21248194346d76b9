namespace Nuages.Urls;

/// <summary><c>Reverse</c> found no pattern for the name and arguments; the message lists what was tried.</summary>
public sealed class NoReverseMatch(string message) : Exception(message);
