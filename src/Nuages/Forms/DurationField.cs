using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nuages.Core;

namespace Nuages.Forms;

/// <summary>
/// Django's <c>DurationField</c>: a <see cref="TimeSpan"/> written as Django's <c>parse_duration</c> reads it —
/// <c>"3 days, 10:30:00"</c>, <c>"10:30"</c>, ISO 8601 <c>"P3DT10H"</c>, or PostgreSQL's <c>"3 days 10:30:00"</c>.
/// </summary>
public partial class DurationField : Field<TimeSpan?>
{
    /// <summary>A duration field with Django's messages.</summary>
    public DurationField()
    {
        ErrorMessages["invalid"] = "Enter a valid duration.";
        ErrorMessages["overflow"] = "The number of days must be between {min_days} and {max_days}.";
    }

    [GeneratedRegex(@"^(?:(?<days>-?\d+) (days?, )?)?(?<sign>-?)((?:(?<hours>\d+):)(?=\d+:\d+))?(?:(?<minutes>\d+):)?(?<seconds>\d+)(?:[\.,](?<microseconds>\d{1,6})\d{0,6})?$")]
    private static partial Regex Standard();

    [GeneratedRegex(@"^(?<sign>[-+]?)P(?:(?<days>\d+([\.,]\d+)?)D)?(?:T(?:(?<hours>\d+([\.,]\d+)?)H)?(?:(?<minutes>\d+([\.,]\d+)?)M)?(?:(?<seconds>\d+([\.,]\d+)?)S)?)?$")]
    private static partial Regex Iso8601();

    [GeneratedRegex(@"^(?:(?<days>-?\d+) (days? ?))?(?:(?<sign>[-+])?(?<hours>\d+):(?<minutes>\d\d):(?<seconds>\d\d)(?:\.(?<microseconds>\d{1,6}))?)?$")]
    private static partial Regex Postgres();

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (IsEmpty(value)) return null;
        if (value is TimeSpan span) return span;
        var text = PythonFormat.Str(value);
        try
        {
            return Parse(text) ?? throw Error("invalid", new() { ["value"] = value });
        }
        catch (OverflowException)
        {
            // Python's timedelta bounds, which Django's message names
            throw new ValidationError(ErrorMessages["overflow"].Replace("{min_days}", "-999999999", StringComparison.Ordinal).Replace("{max_days}", "999999999", StringComparison.Ordinal), "overflow");
        }
    }

    /// <summary>django/utils/dateparse.py's parse_duration; null when the text is not a duration.</summary>
    internal static TimeSpan? Parse(string text)
    {
        var m = Standard().Match(text);
        var iso = false;
        if (!m.Success) iso = (m = Iso8601().Match(text)).Success;
        if (!m.Success) m = Postgres().Match(text);
        if (!m.Success) return null;
        double Part(string name) => m.Groups[name].Success && m.Groups[name].Value.Length > 0
            ? double.Parse(m.Groups[name].Value.Replace(',', '.'), CultureInfo.InvariantCulture) : 0;
        var sign = m.Groups["sign"].Value == "-" ? -1 : 1;
        var days = Part("days");
        var micro = m.Groups["microseconds"].Success && m.Groups["microseconds"].Value.Length > 0
            ? double.Parse(m.Groups["microseconds"].Value.PadRight(6, '0'), CultureInfo.InvariantCulture) : 0;
        // as Django: the days stand apart (signed by the ISO sign only); the sign applies to the rest
        var total = (iso ? sign : 1) * days * 86400 + sign * (Part("hours") * 3600 + Part("minutes") * 60 + Part("seconds") + micro / 1_000_000);
        if (Math.Abs(days) > 999_999_999 || Math.Abs(total) > TimeSpan.MaxValue.TotalSeconds) throw new OverflowException();
        return TimeSpan.FromTicks((long)Math.Round(total * TimeSpan.TicksPerSecond));
    }
}

/// <summary>Django's <c>UUIDField</c>: 32 hexadecimal digits, hyphens, braces and a <c>urn:uuid:</c> prefix allowed, as Python's <c>uuid.UUID</c>.</summary>
public class UUIDField : CharField
{
    /// <summary>A UUID field with Django's message.</summary>
    public UUIDField() => ErrorMessages["invalid"] = "Enter a valid UUID.";

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (value is Guid guid) return guid;
        var text = base.ToPython(value) as string;
        if (string.IsNullOrEmpty(text)) return null;
        var hex = text.Replace("urn:", "", StringComparison.Ordinal).Replace("uuid:", "", StringComparison.Ordinal).Trim('{', '}').Replace("-", "", StringComparison.Ordinal);
        if (hex.Length != 32 || !hex.All(char.IsAsciiHexDigit)) throw Error("invalid", new() { ["value"] = value });
        return Guid.ParseExact(hex, "N");
    }
}

/// <summary>Django's <c>JSONField</c>: JSON text, cleaned to a <see cref="JsonNode"/> (null for JSON's null).</summary>
public class JSONField : CharField
{
    /// <summary>A JSON field with Django's message.</summary>
    public JSONField() => ErrorMessages["invalid"] = "Enter a valid JSON.";

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new Textarea();

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (Disabled) return value;
        if (IsEmpty(value)) return null;
        if (value is JsonNode node) return node;
        try
        {
            return JsonNode.Parse(PythonFormat.Str(value));
        }
        catch (System.Text.Json.JsonException)
        {
            throw Error("invalid", new() { ["value"] = value });
        }
    }

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        // JSON's null, false, 0 and "" are values: only nothing at all is missing
        if (value is null && Required) throw Error("required");
    }

    /// <inheritdoc/>
    public override bool HasChanged(object? initial, object? data)
    {
        try
        {
            var before = initial is JsonNode n ? n : initial is null ? null : JsonNode.Parse(PythonFormat.Str(initial));
            var after = data is null ? null : JsonNode.Parse(PythonFormat.Str(data));
            return !JsonNode.DeepEquals(before, after);
        }
        catch (System.Text.Json.JsonException)
        {
            return true;
        }
    }
}

/// <summary>Django's <c>GenericIPAddressField</c>: an IPv4 or IPv6 address (<see cref="Protocol"/>), IPv6 written in its short form.</summary>
public class GenericIPAddressField : CharField
{
    /// <summary>An address field of at most 39 characters (the longest IPv6 address, as Django's default).</summary>
    public GenericIPAddressField() => MaxLength = 39;

    /// <summary><c>both</c> (the default), <c>IPv4</c> or <c>IPv6</c>.</summary>
    public string Protocol { get; init; } = "both";

    /// <summary>Whether an IPv4-mapped IPv6 address is cleaned to its IPv4 form.</summary>
    public bool UnpackIPv4 { get; init; }

    /// <inheritdoc/>
    protected override IEnumerable<Validator> ClassValidators => [new IPAddressValidator(Protocol)];

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (IsEmpty(value)) return "";
        var text = PythonFormat.Str(value).Trim();
        if (text.Length > 0 && text.Contains(':', StringComparison.Ordinal)) return IPAddressValidator.CleanIPv6(text, UnpackIPv4, MaxLength ?? 39);
        return text;
    }
}

/// <summary>Django's <c>validate_ipv46_address</c>, <c>validate_ipv4_address</c> and <c>validate_ipv6_address</c>, by protocol.</summary>
public sealed class IPAddressValidator(string protocol = "both") : Validator(protocol.ToLowerInvariant() switch
{
    "ipv4" => "Enter a valid IPv4 address.",
    "ipv6" => "Enter a valid IPv6 address.",
    "both" => "Enter a valid IPv4 or IPv6 address.",
    _ => throw new ArgumentException($"The protocol '{protocol}' is unknown. Supported: ['both', 'ipv4', 'ipv6']", nameof(protocol)),
}, "invalid")
{
    private readonly Addresses.Protocol _protocol = protocol.ToLowerInvariant() switch
    {
        "ipv4" => Addresses.Protocol.IPv4,
        "ipv6" => Addresses.Protocol.IPv6,
        _ => Addresses.Protocol.Both,
    };

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        if (!Addresses.IsValid(PythonFormat.Str(value), _protocol)) throw Fail(value);
    }

    /// <summary>Django's clean_ipv6_address: the short lower-case form; a mapped IPv4 address as <c>::ffff:1.2.3.4</c> or unpacked.</summary>
    internal static string CleanIPv6(string text, bool unpackIPv4, int maxLength = 39)
    {
        if (text.Length > maxLength || !Addresses.IsIPv6(text)) throw new ValidationError("This is not a valid IPv6 address.", "invalid", new Dictionary<string, object?> { ["protected_ip"] = text });
        var address = System.Net.IPAddress.Parse(Addresses.WithoutScope(text)!);
        if (address.IsIPv4MappedToIPv6)
        {
            var v4 = address.MapToIPv4().ToString();
            return unpackIPv4 ? v4 : "::ffff:" + v4;
        }
        return address.ToString().ToLowerInvariant();
    }
}
