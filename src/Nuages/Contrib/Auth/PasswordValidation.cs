using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Contrib.Auth;

/// <summary>A check a new password must pass (Django's password validators): throw <see cref="ValidationError"/> to refuse it.</summary>
public interface IPasswordValidator
{
    /// <summary>Refuses <paramref name="password"/> (for <paramref name="user"/>, when known) with a <see cref="ValidationError"/>.</summary>
    void Validate(string password, IUser? user = null);

    /// <summary>What the rule asks, for the form's help text.</summary>
    string GetHelpText();
}

/// <summary>Django's <c>MinimumLengthValidator</c>: at least <see cref="MinLength"/> characters (8).</summary>
public sealed class MinimumLengthValidator(int minLength = 8) : IPasswordValidator
{
    /// <summary>The fewest characters allowed.</summary>
    public int MinLength { get; } = minLength;

    /// <inheritdoc/>
    public void Validate(string password, IUser? user = null)
    {
        if (password.EnumerateRunes().Count() < MinLength) // Python's len: code points
            throw new ValidationError(MinLength == 1
                ? "This password is too short. It must contain at least %(min_length)d character."
                : "This password is too short. It must contain at least %(min_length)d characters.",
                "password_too_short", new Dictionary<string, object?> { ["min_length"] = MinLength });
    }

    /// <inheritdoc/>
    public string GetHelpText() => MinLength == 1
        ? $"Your password must contain at least {MinLength} character."
        : $"Your password must contain at least {MinLength} characters.";
}

/// <summary>
/// Django's <c>UserAttributeSimilarityValidator</c>: a password too like the username, names or email (or a part of
/// them) is refused, similarity measured as Python's <c>SequenceMatcher.quick_ratio</c> (0.7 by default).
/// </summary>
public sealed partial class UserAttributeSimilarityValidator : IPasswordValidator
{
    /// <summary>Django's attributes: username, first_name, last_name, email.</summary>
    public static readonly IReadOnlyList<string> DefaultUserAttributes = ["username", "first_name", "last_name", "email"];

    private static readonly Dictionary<string, string> VerboseNames = new(StringComparer.Ordinal)
    {
        ["username"] = "username", ["first_name"] = "first name", ["last_name"] = "last name", ["email"] = "email address",
    };

    /// <summary>A validator over <paramref name="userAttributes"/> refusing a similarity of <paramref name="maxSimilarity"/> or more.</summary>
    public UserAttributeSimilarityValidator(IReadOnlyList<string>? userAttributes = null, double maxSimilarity = 0.7)
    {
        if (maxSimilarity < 0.1) throw new ArgumentException("max_similarity must be at least 0.1", nameof(maxSimilarity));
        UserAttributes = userAttributes ?? DefaultUserAttributes;
        MaxSimilarity = maxSimilarity;
    }

    /// <summary>The model fields compared with the password.</summary>
    public IReadOnlyList<string> UserAttributes { get; }

    /// <summary>The similarity at which a password is refused.</summary>
    public double MaxSimilarity { get; }

    /// <inheritdoc/>
    public void Validate(string password, IUser? user = null)
    {
        if (user is null) return;
        password = password.ToLowerInvariant();
        var fields = Db.Models.ModelMeta.For(user.GetType()).Fields;
        foreach (var attribute in UserAttributes)
        {
            if (fields.FirstOrDefault(f => f.Key == attribute) is not { } field || field.Get(user) is not string { Length: > 0 } value) continue;
            var lower = value.ToLowerInvariant();
            foreach (var part in NonWord().Split(lower).Append(lower))
            {
                if (ExceedsMaximumLengthRatio(password, MaxSimilarity, part)) continue;
                if (QuickRatio(password, part) >= MaxSimilarity)
                    throw new ValidationError("The password is too similar to the %(verbose_name)s.", "password_too_similar",
                        new Dictionary<string, object?> { ["verbose_name"] = VerboseNames.GetValueOrDefault(attribute, attribute.Replace('_', ' ')) });
            }
        }
    }

    /// <summary>Django's <c>exceeds_maximum_length_ratio</c>: a value so much shorter that it cannot be similar enough.</summary>
    private static bool ExceedsMaximumLengthRatio(string password, double maxSimilarity, string value) =>
        password.Length >= 10 * value.Length && value.Length < maxSimilarity / 2 * password.Length;

    /// <summary>Python's <c>SequenceMatcher(a, b).quick_ratio()</c>: twice the characters in common over the lengths.</summary>
    internal static double QuickRatio(string a, string b)
    {
        if (a.Length + b.Length == 0) return 1.0;
        var available = new Dictionary<char, int>();
        foreach (var c in b) available[c] = available.GetValueOrDefault(c) + 1;
        var matches = 0;
        foreach (var c in a)
        {
            var left = available.GetValueOrDefault(c);
            available[c] = left - 1;
            if (left > 0) matches++;
        }
        return 2.0 * matches / (a.Length + b.Length);
    }

    /// <inheritdoc/>
    public string GetHelpText() => "Your password can’t be too similar to your other personal information.";

    [GeneratedRegex(@"\W+")]
    private static partial Regex NonWord();
}

/// <summary>Django's <c>CommonPasswordValidator</c>: the 20,000 passwords of Django's list (or a list file of yours) are refused.</summary>
public sealed class CommonPasswordValidator : IPasswordValidator
{
    private static readonly Lazy<HashSet<string>> Django = new(() =>
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("Nuages.Contrib.Auth.common-passwords.txt.gz")!;
        return Read(new GZipStream(stream, CompressionMode.Decompress));
    });

    private readonly HashSet<string> _passwords;

    /// <summary>A validator with Django's list, or the list at <paramref name="passwordListPath"/> (gzipped or not, one lower-cased password a line).</summary>
    public CommonPasswordValidator(string? passwordListPath = null)
    {
        if (passwordListPath is null)
        {
            _passwords = Django.Value;
            return;
        }
        using var file = File.OpenRead(passwordListPath);
        Stream stream = passwordListPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        _passwords = Read(stream);
    }

    private static HashSet<string> Read(Stream stream)
    {
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line) set.Add(line.Trim());
        return set;
    }

    /// <inheritdoc/>
    public void Validate(string password, IUser? user = null)
    {
        if (_passwords.Contains(password.ToLowerInvariant().Trim())) throw new ValidationError("This password is too common.", "password_too_common");
    }

    /// <inheritdoc/>
    public string GetHelpText() => "Your password can’t be a commonly used password.";
}

/// <summary>Django's <c>NumericPasswordValidator</c>: a password of digits only is refused.</summary>
public sealed class NumericPasswordValidator : IPasswordValidator
{
    /// <inheritdoc/>
    public void Validate(string password, IUser? user = null)
    {
        if (password.Length > 0 && password.All(char.IsDigit)) throw new ValidationError("This password is entirely numeric.", "password_entirely_numeric");
    }

    /// <inheritdoc/>
    public string GetHelpText() => "Your password can’t be entirely numeric.";
}

/// <summary>Django's <c>validate_password</c> and its friends, over the site's <c>AuthPasswordValidators</c>.</summary>
public static class PasswordValidation
{
    private static readonly Dictionary<string, string> DjangoNames = new(StringComparer.Ordinal)
    {
        ["django.contrib.auth.password_validation.UserAttributeSimilarityValidator"] = typeof(UserAttributeSimilarityValidator).FullName!,
        ["django.contrib.auth.password_validation.MinimumLengthValidator"] = typeof(MinimumLengthValidator).FullName!,
        ["django.contrib.auth.password_validation.CommonPasswordValidator"] = typeof(CommonPasswordValidator).FullName!,
        ["django.contrib.auth.password_validation.NumericPasswordValidator"] = typeof(NumericPasswordValidator).FullName!,
    };

    /// <summary>The site's validators, made from <c>AuthPasswordValidators</c> (Django's <c>get_default_password_validators</c>).</summary>
    public static IReadOnlyList<IPasswordValidator> DefaultValidators() =>
        [.. (Site.TryCurrent?.Settings.AuthPasswordValidators ?? []).Select(Make)];

    private static IPasswordValidator Make(PasswordValidatorSettings spec)
    {
        var name = DjangoNames.GetValueOrDefault(spec.Name, spec.Name);
        var options = spec.Options;
        string? Option(string key) => options.TryGetValue(key, out var value) ? value : null;
        if (name == typeof(MinimumLengthValidator).FullName)
            return new MinimumLengthValidator(Option("min_length") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 8);
        if (name == typeof(UserAttributeSimilarityValidator).FullName)
            return new UserAttributeSimilarityValidator(Option("user_attributes")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Option("max_similarity") is { } m ? double.Parse(m, CultureInfo.InvariantCulture) : 0.7);
        if (name == typeof(CommonPasswordValidator).FullName) return new CommonPasswordValidator(Option("password_list_path"));
        if (name == typeof(NumericPasswordValidator).FullName) return new NumericPasswordValidator();
        var type = TypeNames.Resolve(name) ?? throw new ImproperlyConfigured($"The module in NAME could not be imported: {spec.Name}. Check your AuthPasswordValidators setting.");
        return Activator.CreateInstance(type) as IPasswordValidator
            ?? throw new ImproperlyConfigured($"{spec.Name} in AuthPasswordValidators is not an IPasswordValidator with a constructor without arguments.");
    }

    /// <summary>
    /// Checks <paramref name="password"/> with every validator (the site's when none are given) and throws one
    /// <see cref="ValidationError"/> with all their messages (Django's <c>validate_password</c>).
    /// </summary>
    public static void ValidatePassword(string password, IUser? user = null, IReadOnlyList<IPasswordValidator>? validators = null)
    {
        var errors = new List<ValidationError>();
        foreach (var validator in validators ?? DefaultValidators())
        {
            try
            {
                validator.Validate(password, user);
            }
            catch (ValidationError e)
            {
                errors.Add(e);
            }
        }
        if (errors.Count > 0) throw new ValidationError(errors);
    }

    /// <summary>The help texts as an HTML list, "" without validators (Django's <c>password_validators_help_text_html</c>).</summary>
    public static string HelpTextHtml(IReadOnlyList<IPasswordValidator>? validators = null)
    {
        var texts = HelpTexts(validators);
        return texts.Count == 0 ? "" : "<ul>" + string.Concat(texts.Select(t => "<li>" + Templates.Html.EscapeText(t) + "</li>")) + "</ul>";
    }

    /// <summary>The validators' help texts (Django's <c>password_validators_help_texts</c>).</summary>
    public static IReadOnlyList<string> HelpTexts(IReadOnlyList<IPasswordValidator>? validators = null) =>
        [.. (validators ?? DefaultValidators()).Select(v => v.GetHelpText())];
}
