namespace Nuages.Core;

/// <summary>
/// A value that stands for another one, loaded on demand — a <c>ForeignKey</c> stands for its row. Templates read
/// through it as Django's templates read a related object: <c>{{ book.author.name }}</c>.
/// </summary>
public interface IDeferredValue
{
    /// <summary>The value, loaded synchronously if need be (sync code only).</summary>
    object? DeferredValue { get; }

    /// <summary>The value, loaded asynchronously if need be.</summary>
    ValueTask<object?> GetDeferredValueAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Marks a method that changes data (Django's <c>alters_data</c>): a template never calls it, and renders
/// <c>string_if_invalid</c> in its place. Methods that return nothing are treated the same way.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AltersDataAttribute : Attribute;
