using System.Text.Json.Nodes;
using Nuages.Conf;
using Nuages.Contrib.Auth;
using Nuages.Core;
using Nuages.Tests.Support;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>Django's four password validators, compared with Django's answers (Vectors/django_password_validation.py).</summary>
public class PasswordValidationTests
{
    private static readonly JsonNode Django = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Contrib", "Vectors", "django_password_validation.json")))!;

    [Fact]
    public void The_four_validators_refuse_what_Django_refuses_with_its_messages()
    {
        using var site = TestSite.Create(s => s.AuthPasswordValidators =
        [
            new() { Name = "django.contrib.auth.password_validation.UserAttributeSimilarityValidator" },
            new() { Name = "django.contrib.auth.password_validation.MinimumLengthValidator" },
            new() { Name = "django.contrib.auth.password_validation.CommonPasswordValidator" },
            new() { Name = "django.contrib.auth.password_validation.NumericPasswordValidator" },
        ]).Enter();
        var user = new User { Username = "ann.lee", FirstName = "Ann", LastName = "Lee-Smith", Email = "ann.lee@example.com" };
        var rows = Django["rows"]!.AsArray();
        Assert.Equal(34, rows.Count);
        foreach (var row in rows)
        {
            var password = (string)row!["password"]!;
            var expected = row["errors"]!.AsArray().Select(e => ((string)e!["message"]!, (string)e["code"]!)).ToList();
            List<(string, string)> actual = [];
            try
            {
                PasswordValidation.ValidatePassword(password, (bool)row["with_user"]! ? user : null);
            }
            catch (ValidationError e)
            {
                actual = [.. e.ErrorList.Select(x => (x.Message, x.Code!))];
            }
            Assert.True(expected.SequenceEqual(actual), $"{password} (user: {row["with_user"]}): Django {string.Join("; ", expected)} / Nuages {string.Join("; ", actual)}");
        }
        Assert.Equal(Django["help_texts"]!.AsArray().Select(t => (string)t!), PasswordValidation.HelpTexts());
        Assert.Equal((string)Django["min_length_one"]!, Assert.Throws<ValidationError>(() => new MinimumLengthValidator(1).Validate("")).Message);
        Assert.Equal((string)Django["min_length_one_help"]!, new MinimumLengthValidator(1).GetHelpText());
        Assert.Equal("max_similarity must be at least 0.1 (Parameter 'maxSimilarity')", Assert.Throws<ArgumentException>(() => new UserAttributeSimilarityValidator(maxSimilarity: 0.05)).Message);
        Assert.Equal(["This password is too short. It must contain at least 12 characters."],
            Assert.Throws<ValidationError>(() => PasswordValidation.ValidatePassword("zx8!Pq#m2Lw", validators: [new MinimumLengthValidator(12)])).Messages);
    }
}
