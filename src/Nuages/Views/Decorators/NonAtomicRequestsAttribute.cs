namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>non_atomic_requests</c>: the view runs outside the atomic block that <c>AtomicRequests</c> puts around
/// views on the aliases named (<c>default</c> when none is), for a view that manages its transactions itself.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class NonAtomicRequestsAttribute(params string[] aliases) : ViewDecoratorAttribute
{
    /// <summary>The aliases the view opts out of.</summary>
    public IReadOnlyList<string> Aliases { get; } = aliases.Length == 0 ? [Db.Database.DefaultAlias] : aliases;
}
