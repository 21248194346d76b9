using System.Globalization;
using System.Text.RegularExpressions;
using Nuages.Core;

namespace Nuages.Forms;

/// <summary>Django's <c>IntegerField</c>: a whole number (<c>"3"</c>, <c>" 3 "</c>, <c>"3.0"</c>), with optional bounds and step.</summary>
public partial class IntegerField : Field<long?>
{
    /// <summary>An integer field with Django's message.</summary>
    public IntegerField() => ErrorMessages["invalid"] = "Enter a whole number.";

    /// <summary>The largest value allowed.</summary>
    public long? MaxValue { get; init; }

    /// <summary>The smallest value allowed.</summary>
    public long? MinValue { get; init; }

    /// <summary>The values must be multiples of it (from <see cref="MinValue"/> when set).</summary>
    public long? StepSize { get; init; }

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new NumberInput();

    /// <inheritdoc/>
    protected override IEnumerable<Validator> OptionValidators
    {
        get
        {
            if (MaxValue is { } max) yield return new MaxValueValidator(max);
            if (MinValue is { } min) yield return new MinValueValidator(min);
            if (StepSize is { } step) yield return new StepValueValidator(step, MinValue);
        }
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> WidgetAttrs(Widget widget)
    {
        var attrs = NumberInput.Bounds(base.WidgetAttrs(widget), widget, MinValue, MaxValue);
        if (widget is NumberInput && StepSize is { } step) attrs["step"] = step;
        return attrs;
    }

    // Django's re_decimal: a trailing ".0…" (and spaces) is dropped before int()
    [GeneratedRegex(@"\.0*\s*$")]
    private static partial Regex TrailingZeros();

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (IsEmpty(value)) return null;
        if (value is long or int or short or byte) return Convert.ToInt64(value, CultureInfo.InvariantCulture);
        var text = TrailingZeros().Replace(PythonFormat.Str(value), "", 1);
        return PythonNumbers.Int(text) ?? throw Error("invalid", new() { ["value"] = value });
    }
}

/// <summary>Django's <c>FloatField</c>: a finite number, as Python's <c>float()</c> reads it.</summary>
public class FloatField : Field<double?>
{
    /// <summary>A float field with Django's message.</summary>
    public FloatField() => ErrorMessages["invalid"] = "Enter a number.";

    /// <summary>The largest value allowed.</summary>
    public double? MaxValue { get; init; }

    /// <summary>The smallest value allowed.</summary>
    public double? MinValue { get; init; }

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new NumberInput();

    /// <inheritdoc/>
    protected override IEnumerable<Validator> OptionValidators
    {
        get
        {
            if (MaxValue is { } max) yield return new MaxValueValidator(max);
            if (MinValue is { } min) yield return new MinValueValidator(min);
        }
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> WidgetAttrs(Widget widget)
    {
        var attrs = NumberInput.Bounds(base.WidgetAttrs(widget), widget, MinValue, MaxValue);
        if (widget is NumberInput && !widget.Attrs.ContainsKey("step")) attrs.TryAdd("step", "any");
        return attrs;
    }

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (IsEmpty(value)) return null;
        if (value is double or float or int or long or decimal) return Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return PythonNumbers.Float(PythonFormat.Str(value)) ?? throw Error("invalid", new() { ["value"] = value });
    }

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        base.Validate(value);
        if (value is double d && !double.IsFinite(d)) throw Error("invalid", new() { ["value"] = value });
    }
}

/// <summary>Django's <c>DecimalField</c>: a decimal number with at most <see cref="MaxDigits"/> digits, <see cref="DecimalPlaces"/> after the point.</summary>
public class DecimalField : Field<decimal?>
{
    /// <summary>A decimal field with Django's message.</summary>
    public DecimalField() => ErrorMessages["invalid"] = "Enter a number.";

    /// <summary>The largest value allowed.</summary>
    public decimal? MaxValue { get; init; }

    /// <summary>The smallest value allowed.</summary>
    public decimal? MinValue { get; init; }

    /// <summary>The most digits in all.</summary>
    public int? MaxDigits { get; init; }

    /// <summary>The most digits after the point.</summary>
    public int? DecimalPlaces { get; init; }

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new NumberInput();

    /// <inheritdoc/>
    protected override IEnumerable<Validator> OptionValidators
    {
        get
        {
            if (MaxValue is { } max) yield return new MaxValueValidator(max);
            if (MinValue is { } min) yield return new MinValueValidator(min);
            yield return new DecimalValidator(MaxDigits, DecimalPlaces);
        }
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> WidgetAttrs(Widget widget)
    {
        var attrs = NumberInput.Bounds(base.WidgetAttrs(widget), widget, MinValue, MaxValue);
        // Django's str(Decimal(1).scaleb(-places)).lower(): 0.01 for 2 places, 1 for none, 1e-7 from 7
        if (widget is NumberInput && !widget.Attrs.ContainsKey("step"))
            attrs.TryAdd("step", DecimalPlaces is { } places ? places == 0 ? "1" : places < 7 ? "0." + new string('0', places - 1) + "1" : $"1e-{places}" : "any");
        return attrs;
    }

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (IsEmpty(value)) return null;
        if (value is decimal m) return m;
        return PythonNumbers.Decimal(PythonFormat.Str(value).Trim()) ?? throw Error("invalid", new() { ["value"] = value });
    }
}

/// <summary>Python's readings of numbers from text: <c>int()</c>, <c>float()</c>, <c>Decimal()</c> — spaces around, underscores between digits.</summary>
internal static class PythonNumbers
{
    public static long? Int(string text)
    {
        var t = Digits(text.Trim());
        return t is not null && long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && !t.StartsWith("+-", StringComparison.Ordinal) ? n : null;
    }

    public static double? Float(string text)
    {
        var t = text.Trim();
        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
            case "nan" or "+nan" or "-nan": return double.NaN;
        }
        t = Digits(t);
        return t is not null && double.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    public static decimal? Decimal(string text)
    {
        var t = Digits(text);
        if (t is null || t.Length == 0) return null;
        return decimal.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var m) ? m : null;
    }

    // underscores only between digits, as Python allows them
    private static string? Digits(string t)
    {
        if (!t.Contains('_', StringComparison.Ordinal)) return t;
        for (var i = 0; i < t.Length; i++)
            if (t[i] == '_' && (i == 0 || i == t.Length - 1 || !char.IsAsciiDigit(t[i - 1]) || !char.IsAsciiDigit(t[i + 1]))) return null;
        return t.Replace("_", "", StringComparison.Ordinal);
    }
}
