using System.Globalization;

namespace Nuages.Urls;

/// <summary>
/// Turns a URL segment into a view argument and back, as Django's path converters. The
/// <see cref="Regex"/> says what the segment may look like; a segment the converter cannot turn
/// into a value (it throws <see cref="FormatException"/>, <see cref="OverflowException"/> or
/// <see cref="ArgumentException"/>) makes the pattern not match, and resolution goes on.
/// </summary>
public abstract class PathConverter
{
    /// <summary>The regular expression a segment must match (no anchors, no capturing groups).</summary>
    public abstract string Regex { get; }

    /// <summary>The type of the values this converter produces: what view parameters bind to.</summary>
    public abstract Type ValueType { get; }

    internal abstract object ToValueUntyped(string segment);

    internal abstract string ToUrlUntyped(object value);
}

/// <summary>A converter producing values of type <typeparamref name="T"/>.</summary>
public abstract class PathConverter<T> : PathConverter where T : notnull
{
    /// <inheritdoc />
    public sealed override Type ValueType => typeof(T);

    /// <summary>The value of a segment that matched <see cref="PathConverter.Regex"/>.</summary>
    public abstract T ToValue(string segment);

    /// <summary>The segment for a value, used by <c>Reverse</c>.</summary>
    public virtual string ToUrl(T value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    internal sealed override object ToValueUntyped(string segment) => ToValue(segment);

    internal sealed override string ToUrlUntyped(object value) => value is T typed
        ? ToUrl(typed)
        : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}

/// <summary><c>int</c>: one or more digits, bound as <see cref="int"/> (a value too large for it does not match).</summary>
public sealed class IntConverter : PathConverter<int>
{
    /// <inheritdoc />
    public override string Regex => "[0-9]+";

    /// <inheritdoc />
    public override int ToValue(string segment) => int.Parse(segment, NumberStyles.None, CultureInfo.InvariantCulture);
}

/// <summary><c>str</c>: any non-empty text without a slash.</summary>
public sealed class StringConverter : PathConverter<string>
{
    /// <inheritdoc />
    public override string Regex => "[^/]+";

    /// <inheritdoc />
    public override string ToValue(string segment) => segment;
}

/// <summary><c>slug</c>: ASCII letters, digits, hyphens and underscores.</summary>
public sealed class SlugConverter : PathConverter<string>
{
    /// <inheritdoc />
    public override string Regex => "[-a-zA-Z0-9_]+";

    /// <inheritdoc />
    public override string ToValue(string segment) => segment;
}

/// <summary><c>uuid</c>: a lower-case, hyphenated UUID, bound as <see cref="Guid"/>.</summary>
public sealed class UuidConverter : PathConverter<Guid>
{
    /// <inheritdoc />
    public override string Regex => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    /// <inheritdoc />
    public override Guid ToValue(string segment) => Guid.ParseExact(segment, "D");

    /// <inheritdoc />
    public override string ToUrl(Guid value) => value.ToString("D");
}

/// <summary><c>path</c>: any non-empty text, slashes included.</summary>
public sealed class PathSegmentsConverter : PathConverter<string>
{
    /// <inheritdoc />
    public override string Regex => ".+";

    /// <inheritdoc />
    public override string ToValue(string segment) => segment;
}
