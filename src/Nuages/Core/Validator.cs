using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Nuages.Core;

/// <summary>
/// A check of one value that throws a <see cref="ValidationError"/> with Django's message and code when it fails
/// (django/core/validators.py). Forms' fields run their own and the ones given to them; <see cref="Message"/> and
/// <see cref="Code"/> can be replaced, as Django's <c>message=</c> and <c>code=</c>.
/// </summary>
public abstract class Validator
{
    /// <summary>The message shown, with Python's <c>%(name)s</c> placeholders for the error's params.</summary>
    public string Message { get; init; }

    /// <summary>The error's code.</summary>
    public string Code { get; init; }

    /// <summary>A validator with Django's default message and code for it.</summary>
    protected Validator(string message, string code)
    {
        Message = message;
        Code = code;
    }

    /// <summary>Checks <paramref name="value"/>; throws a <see cref="ValidationError"/> when it fails.</summary>
    public abstract void Validate(object? value);

    /// <summary>The error this validator raises, with the value among its params as Django adds it.</summary>
    protected ValidationError Fail(object? value, Dictionary<string, object?>? @params = null, string? message = null)
    {
        @params ??= [];
        @params["value"] = value;
        return new ValidationError(message ?? Message, Code, @params);
    }
}

/// <summary>Django's <c>RegexValidator</c>: the value's text must match (or, inverted, must not match) <see cref="Regex"/>.</summary>
public class RegexValidator(Regex regex, string message = "Enter a valid value.", string code = "invalid", bool inverseMatch = false) : Validator(message, code)
{
    /// <summary>A validator of a pattern written as a string.</summary>
    public RegexValidator(string pattern, string message = "Enter a valid value.", string code = "invalid", bool inverseMatch = false, RegexOptions options = RegexOptions.None)
        : this(new Regex(pattern, options | RegexOptions.CultureInvariant), message, code, inverseMatch)
    {
    }

    /// <summary>The pattern, searched anywhere in the value (Python's <c>re.search</c>).</summary>
    public Regex Regex { get; } = regex;

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        var matched = Regex.IsMatch(PythonFormat.Str(value));
        if (matched == inverseMatch) throw Fail(value);
    }
}

/// <summary>Django's <c>MaxLengthValidator</c>: at most <see cref="Limit"/> characters.</summary>
public sealed class MaxLengthValidator(int limit) : Validator(Plural, "max_length")
{
    private const string Plural = "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).";

    // Django's ngettext: the singular when the limit is 1, unless the message was replaced
    private string Chosen => Limit == 1 && ReferenceEquals(Message, Plural) ? "Ensure this value has at most %(limit_value)d character (it has %(show_value)d)." : Message;

    /// <summary>The most characters allowed.</summary>
    public int Limit { get; } = limit;

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        var length = LengthOf(value);
        if (length > Limit) throw Fail(value, new() { ["limit_value"] = Limit, ["show_value"] = length }, Chosen);
    }

    internal static int LengthOf(object? value) => value switch
    {
        string s => new StringInfo(s).LengthInTextElements == s.Length ? s.Length : CodePoints(s),
        System.Collections.ICollection c => c.Count,
        _ => PythonFormat.Str(value).Length,
    };

    // Python counts code points: a character outside the BMP is one, where .NET's Length counts its two halves
    private static int CodePoints(string s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes()) n++;
        return n;
    }
}

/// <summary>Django's <c>MinLengthValidator</c>: at least <see cref="Limit"/> characters.</summary>
public sealed class MinLengthValidator(int limit) : Validator(Plural, "min_length")
{
    private const string Plural = "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).";

    // Django's ngettext: the singular when the limit is 1, unless the message was replaced
    private string Chosen => Limit == 1 && ReferenceEquals(Message, Plural) ? "Ensure this value has at least %(limit_value)d character (it has %(show_value)d)." : Message;

    /// <summary>The fewest characters allowed.</summary>
    public int Limit { get; } = limit;

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        var length = MaxLengthValidator.LengthOf(value);
        if (length < Limit) throw Fail(value, new() { ["limit_value"] = Limit, ["show_value"] = length }, Chosen);
    }
}

/// <summary>Django's <c>MaxValueValidator</c>.</summary>
public sealed class MaxValueValidator(IComparable limit) : Validator("Ensure this value is less than or equal to %(limit_value)s.", "max_value")
{
    /// <summary>The largest value allowed.</summary>
    public IComparable Limit { get; } = limit;

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        if (Numbers.Compare(value, Limit) > 0) throw Fail(value, new() { ["limit_value"] = Limit, ["show_value"] = value });
    }
}

/// <summary>Django's <c>MinValueValidator</c>.</summary>
public sealed class MinValueValidator(IComparable limit) : Validator("Ensure this value is greater than or equal to %(limit_value)s.", "min_value")
{
    /// <summary>The smallest value allowed.</summary>
    public IComparable Limit { get; } = limit;

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        if (Numbers.Compare(value, Limit) < 0) throw Fail(value, new() { ["limit_value"] = Limit, ["show_value"] = value });
    }
}

/// <summary>Django's <c>StepValueValidator</c>: a multiple of <see cref="Step"/> (counted from <see cref="Offset"/> when given).</summary>
public sealed class StepValueValidator(decimal step, decimal? offset = null)
    : Validator(offset is null
        ? "Ensure this value is a multiple of step size %(limit_value)s."
        : "Ensure this value is a multiple of step size %(limit_value)s, starting from %(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on.", "step_size")
{
    /// <summary>The step.</summary>
    public decimal Step { get; } = step;

    /// <summary>Where steps start (0 unless given).</summary>
    public decimal? Offset { get; } = offset;

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        var number = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
        var from = Offset ?? 0m;
        if ((number - from) % Step == 0) return;
        throw Fail(value, new()
        {
            ["limit_value"] = Step, ["offset"] = from, ["valid_value1"] = from + Step, ["valid_value2"] = from + 2 * Step,
        });
    }
}

/// <summary>Django's <c>ProhibitNullCharactersValidator</c>: no NUL character.</summary>
public sealed class ProhibitNullCharactersValidator() : Validator("Null characters are not allowed.", "null_characters_not_allowed")
{
    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        if (PythonFormat.Str(value).Contains('\0', StringComparison.Ordinal)) throw Fail(value);
    }
}

/// <summary>Django's <c>DecimalValidator</c>: at most <see cref="MaxDigits"/> digits, <see cref="DecimalPlaces"/> of them after the point.</summary>
public sealed class DecimalValidator(int? maxDigits, int? decimalPlaces) : Validator("Enter a number.", "invalid")
{
    /// <summary>The most digits in all.</summary>
    public int? MaxDigits { get; } = maxDigits;

    /// <summary>The most digits after the point.</summary>
    public int? DecimalPlaces { get; } = decimalPlaces;

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        var number = (decimal)value!;
        // Python's Decimal.as_tuple(): the digits as written, without leading zeros; trailing zeros of the fraction count
        var text = Math.Abs(number).ToString(CultureInfo.InvariantCulture);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = (point < 0 ? text : text[..point]).TrimStart('0');
        var fraction = point < 0 ? "" : text[(point + 1)..];
        int digits, decimals;
        if (whole.Length == 0 && fraction.Length > 0)
        {
            // 0.0012: Python counts the significant digits, and the places after the point
            decimals = fraction.Length;
            digits = Math.Max(decimals, fraction.TrimStart('0').Length);
        }
        else
        {
            decimals = fraction.Length;
            digits = whole.Length + decimals;
            if (digits == 0) digits = 1;
        }
        var wholeDigits = digits - decimals;
        if (MaxDigits is { } max && digits > max)
            throw new ValidationError($"Ensure that there are no more than %(max)s digit{(max == 1 ? "" : "s")} in total.", "max_digits", new Dictionary<string, object?> { ["max"] = max, ["value"] = value });
        if (DecimalPlaces is { } places && decimals > places)
            throw new ValidationError($"Ensure that there are no more than %(max)s decimal place{(places == 1 ? "" : "s")}.", "max_decimal_places", new Dictionary<string, object?> { ["max"] = places, ["value"] = value });
        if (MaxDigits is { } m && DecimalPlaces is { } p && wholeDigits > m - p)
            throw new ValidationError($"Ensure that there are no more than %(max)s digit{(m - p == 1 ? "" : "s")} before the decimal point.", "max_whole_digits", new Dictionary<string, object?> { ["max"] = m - p, ["value"] = value });
    }
}

/// <summary>Django's <c>EmailValidator</c>: a user part and a domain (or <c>localhost</c>, or a bracketed IP literal).</summary>
public sealed partial class EmailValidator() : Validator("Enter a valid email address.", "invalid")
{
    [GeneratedRegex("""(^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*\z|^"([\x01-\x08\x0b\x0c\x0e-\x1f!#-\[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*"\z)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex User();

    // Python's re.match: anchored at the start
    [GeneratedRegex(@"^((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)(?:[A-Z0-9-]{2,63}(?<!-))\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Domain();

    [GeneratedRegex(@"^\[([A-F0-9:.]+)\]\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Literal();

    /// <summary>Domains accepted as they are (Django's <c>domain_allowlist</c>).</summary>
    public IReadOnlyList<string> DomainAllowlist { get; init; } = ["localhost"];

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        var text = value as string;
        if (string.IsNullOrEmpty(text) || !text.Contains('@', StringComparison.Ordinal) || text.Length > 320) throw Fail(value);
        var at = text.LastIndexOf('@');
        var user = text[..at];
        var domain = text[(at + 1)..];
        if (!User().IsMatch(user)) throw Fail(value);
        if (DomainAllowlist.Contains(domain) || ValidDomain(domain)) return;
        throw Fail(value);
    }

    private static bool ValidDomain(string domain)
    {
        if (Domain().IsMatch(domain)) return true;
        if (Literal().Match(domain) is { Success: true } literal)
            return IPAddress.TryParse(literal.Groups[1].Value, out _) && Addresses.IsValid(literal.Groups[1].Value, Addresses.Protocol.Both);
        // an internationalized domain, as its punycode
        try
        {
            return Domain().IsMatch(new IdnMapping().GetAscii(domain));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>IP addresses as Django's <c>validate_ipv4_address</c>, <c>validate_ipv6_address</c> and <c>validate_ipv46_address</c> accept them.</summary>
internal static class Addresses
{
    public enum Protocol { Both, IPv4, IPv6 }

    public static bool IsValid(string text, Protocol protocol) => protocol switch
    {
        Protocol.IPv4 => IsIPv4(text),
        Protocol.IPv6 => IsIPv6(text),
        _ => IsIPv4(text) || IsIPv6(text),
    };

    /// <summary>Python's ipaddress.IPv4Address: four decimal octets 0–255, no leading zeros.</summary>
    public static bool IsIPv4(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit)) return false;
            if (part.Length > 1 && part[0] == '0') return false;
            if (int.Parse(part, CultureInfo.InvariantCulture) > 255) return false;
        }
        return true;
    }

    /// <summary>Python's ipaddress.IPv6Address (no zone), which Django's is_valid_ipv6_address uses.</summary>
    public static bool IsIPv6(string text)
    {
        // a scope (fe80::1%eth0) is allowed, as Python's IPv6Address allows it, and dropped by clean_ipv6_address
        var bare = WithoutScope(text);
        if (bare is null) return false;
        return bare.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(bare, out var address)
            && address.AddressFamily == AddressFamily.InterNetworkV6 && Ipv4Tail(bare);
    }

    /// <summary>The address without its <c>%scope</c>; null when the scope is empty or holds another %.</summary>
    public static string? WithoutScope(string text)
    {
        var percent = text.IndexOf('%', StringComparison.Ordinal);
        if (percent < 0) return text;
        var scope = text[(percent + 1)..];
        return scope.Length == 0 || scope.Contains('%', StringComparison.Ordinal) ? null : text[..percent];
    }

    // an embedded IPv4 tail (::ffff:1.2.3.4) must itself be a valid IPv4 address
    private static bool Ipv4Tail(string text)
    {
        var colon = text.LastIndexOf(':');
        var tail = text[(colon + 1)..];
        return !tail.Contains('.', StringComparison.Ordinal) || IsIPv4(tail);
    }
}

/// <summary>Comparisons of the numbers and values limits are given as (an int limit against a decimal value…).</summary>
internal static class Numbers
{
    public static int Compare(object? value, IComparable limit)
    {
        if (value is null) return 0;
        if (IsNumber(value) && IsNumber(limit))
        {
            if (value is double or float || limit is double or float)
                return Convert.ToDouble(value, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(limit, CultureInfo.InvariantCulture));
            return Convert.ToDecimal(value, CultureInfo.InvariantCulture).CompareTo(Convert.ToDecimal(limit, CultureInfo.InvariantCulture));
        }
        return -limit.CompareTo(value);
    }

    private static bool IsNumber(object value) => value is int or long or short or byte or decimal or double or float or uint or ulong;
}
