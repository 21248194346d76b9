using System.Text.Json;
using System.Text.Json.Nodes;
using Nuages.Core;
using Nuages.Forms;
using Nuages.Http;
using Nuages.Tests.Support;

namespace Nuages.Tests.Forms;

/// <summary>A form validating whole submissions as Django's does (Vectors/django_forms.py: the same form, the same data).</summary>
public class FormTests
{
    private static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Forms", "Vectors", "django_forms.json")))!.AsObject();

    /// <summary>django_forms.py's SignupForm, written in C#.</summary>
    public sealed class SignupForm : Form
    {
        public CharField Username { get; } = new() { MaxLength = 12 };
        public EmailField Email { get; } = new() { Required = false };
        public IntegerField Age { get; } = new() { MinValue = 13, Required = false };
        public CharField Password { get; } = new() { MinLength = 4 };
        public CharField Confirm { get; } = new();
        public BooleanField Newsletter { get; } = new() { Required = false };

        public string CleanUsername()
        {
            var name = CleanedData.Get(Username)!;
            if (name.Equals("admin", StringComparison.OrdinalIgnoreCase)) throw new ValidationError("That name is taken.", "taken");
            return name.ToLowerInvariant();
        }

        protected override void Clean()
        {
            var password = CleanedData.Get(Password);
            var confirm = CleanedData.Get(Confirm);
            if (!string.IsNullOrEmpty(password) && !string.IsNullOrEmpty(confirm) && password != confirm)
            {
                AddError("confirm", "The passwords differ.");
                throw new ValidationError("Please check the form.", "check");
            }
            if (CleanedData.Get(Newsletter) && string.IsNullOrEmpty(CleanedData.Get(Email)))
                AddError(null, new ValidationError(new Dictionary<string, IEnumerable<ValidationError>> { ["email"] = [new ValidationError("An email is needed for the newsletter.")] }));
        }
    }

    private static Dictionary<string, string> Data(JsonNode? data) => data!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);

    private static void AssertLike(JsonObject expected, Form form, string label)
    {
        Assert.True((bool)expected["valid"]! == form.IsValid(), label);
        Assert.Equal((string)expected["errors_json"]!, form.Errors.AsJson());
        Assert.Equal((string)expected["errors_text"]!, form.Errors.AsText());
        Assert.Equal(expected["non_field"]!.AsArray().Select(m => (string)m!), form.NonFieldErrors());
        Assert.True(JsonNode.DeepEquals(expected["cleaned"], JsonSerializer.SerializeToNode(form.CleanedData)), $"{label}: cleaned {JsonSerializer.Serialize(form.CleanedData)}");
        if (expected["changed"] is JsonArray changed) Assert.Equal(changed.Select(n => (string)n!), form.ChangedData);
    }

    [Fact]
    public void Submissions_validate_as_Djangos()
    {
        using var site = TestSite.Create(_ => { }).Enter();
        foreach (var node in Django["signup"]!.AsArray())
            AssertLike(node!.AsObject(), new SignupForm { Data = Data(node["data"]) }, node["data"]!.ToJsonString());
        AssertLike(Django["prefixed"]!.AsObject(),
            new SignupForm { Prefix = "s", Data = new Dictionary<string, string> { ["s-username"] = "Cy", ["s-password"] = "pass", ["s-confirm"] = "pass", ["username"] = "ignored" } }, "prefixed");
        AssertLike(Django["empty_permitted"]!.AsObject(), new SignupForm { Data = new Dictionary<string, string>(), EmptyPermitted = true }, "empty permitted");
    }

    [Fact]
    public void Changed_data_compare_with_the_initial_values_as_Djangos()
    {
        using var site = TestSite.Create(_ => { }).Enter();
        var initial = new Dictionary<string, object?> { ["username"] = "ann", ["age"] = 30, ["newsletter"] = true };
        foreach (var node in Django["changed"]!.AsArray())
        {
            var form = new SignupForm { Data = Data(node!["data"]), Initial = initial };
            Assert.Equal(node["changed"]!.AsArray().Select(n => (string)n!), form.ChangedData);
            Assert.Equal((bool)node["has_changed"]!, form.HasChanged());
        }
    }

    [Fact]
    public void An_unbound_form_is_not_valid_and_has_no_errors()
    {
        var form = new SignupForm();
        Assert.False(form.IsBound);
        Assert.False(form.IsValid());
        Assert.Empty(form.Errors);
        Assert.Equal(["username", "email", "age", "password", "confirm", "newsletter"], form.Fields.Keys);
        Assert.Equal("Username", form["username"].Label);
        Assert.Equal("id_username", form["username"].AutoId);
    }

    [Fact]
    public void A_form_binds_to_request_post_and_reports_codes()
    {
        var post = new QueryDict("username=admin&password=abc&confirm=abc");
        var form = new SignupForm { Data = post };
        Assert.False(form.IsValid());
        Assert.True(form.HasError("username", "taken"));
        Assert.True(form.HasError("password", "min_length"));
        Assert.False(form.HasError("confirm"));
        Assert.Equal("[{\"message\": \"That name is taken.\", \"code\": \"taken\"}]", form.Errors["username"].AsJson());
        var error = Assert.Single(form.Errors["password"].AsData());
        Assert.Equal(4, error.Params!["limit_value"]);
        Assert.Equal("Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).", error.RawMessage);
        Assert.Equal("'SignupForm' has no field named 'nope'.", Assert.Throws<ArgumentException>(() => form.AddError("nope", "x")).Message.Split(" (Parameter")[0]);
    }

    /// <summary>A form whose check needs I/O: its async hook runs in IsValidAsync; IsValid says to use it.</summary>
    public sealed class InviteForm : Form
    {
        public EmailField Email { get; } = new();

        public async Task<string> CleanEmailAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            var email = CleanedData.Get(Email)!;
            return email.EndsWith("@example.com", StringComparison.Ordinal) ? email : throw new ValidationError("Only example.com addresses are invited.", "domain");
        }
    }

    [Fact]
    public async Task Async_hooks_run_in_IsValidAsync()
    {
        Assert.True(await new InviteForm { Data = new Dictionary<string, string> { ["email"] = "ann@example.com" } }.IsValidAsync());
        var refused = new InviteForm { Data = new Dictionary<string, string> { ["email"] = "ann@other.org" } };
        Assert.False(await refused.IsValidAsync());
        Assert.Equal(["Only example.com addresses are invited."], refused.Errors["email"]);
        Assert.Equal("InviteForm has CleanEmailAsync and no CleanEmail: validate it with await form.IsValidAsync().",
            Assert.Throws<InvalidOperationException>(() => new InviteForm { Data = new Dictionary<string, string> { ["email"] = "a@example.com" } }.IsValid()).Message);
    }
}
