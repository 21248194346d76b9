using System.Text.Json.Nodes;
using Nuages.Core;
using Nuages.Forms;
using Nuages.Tests.Support;

namespace Nuages.Tests.Forms;

/// <summary>Formsets counting, validating and rendering as Django's (Vectors/django_formsets.py, the same data).</summary>
public class FormSetTests
{
    private static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Forms", "Vectors", "django_formsets.json")))!.AsObject();

    public sealed class ArticleForm : Form
    {
        public CharField Title { get; } = new() { MaxLength = 20 };
        public DateField PubDate { get; } = new() { Required = false };
    }

    private static Dictionary<string, string> Data(params (string Key, string Value)[] changes)
    {
        var data = new Dictionary<string, string>
        {
            ["form-TOTAL_FORMS"] = "3", ["form-INITIAL_FORMS"] = "2", ["form-MIN_NUM_FORMS"] = "0", ["form-MAX_NUM_FORMS"] = "1000",
            ["form-0-title"] = "One", ["form-0-pub_date"] = "2026-01-02", ["form-1-title"] = "Two", ["form-2-title"] = "",
        };
        foreach (var (key, value) in changes) data[key] = value;
        return data;
    }

    private static void AssertLike(JsonObject expected, FormSet<ArticleForm> formset, string label)
    {
        var valid = formset.IsValid();
        Assert.True((bool)expected["valid"]! == valid, label);
        Assert.Equal((int)expected["total"]!, formset.TotalFormCount());
        Assert.Equal((int)expected["initial"]!, formset.InitialFormCount());
        Assert.Equal(expected["errors"]!.AsArray().Select(e => e!.ToJsonString()), formset.Errors.Select(e => JsonNode.Parse(e.AsJson())!.ToJsonString()));
        Assert.Equal(expected["non_form"]!.AsArray().Select(e => ((string)e!["message"]!, (string?)e["code"])), formset.NonFormErrors().AsData().Select(e => (e.Message, e.Code)));
        if (expected["cleaned"] is JsonArray cleaned)
            Assert.Equal(cleaned.Select(c => c!.ToJsonString()), formset.CleanedData.Select(c => new JsonObject(c.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(PythonStr(p.Value))))).ToJsonString()));
        Assert.Equal(expected["deleted"]!.AsArray().Select(d => (string)d!), formset.DeletedForms.Select(f => f.Prefix!));
    }

    private static string PythonStr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    [Fact]
    public void Formsets_count_validate_and_render_as_Djangos()
    {
        using var site = TestSite.Create(_ => { }).Enter();
        var unbound = new FormSet<ArticleForm> { Initial = [new Dictionary<string, object?> { ["title"] = "One" }, new Dictionary<string, object?> { ["title"] = "Two" }] };
        var expected = Django["unbound"]!.AsObject();
        Assert.Equal((int)expected["total"]!, unbound.TotalFormCount());
        Assert.Equal((int)expected["initial"]!, unbound.InitialFormCount());
        Assert.Equal(expected["management"]!.AsArray().Select(m => (string)m!), new[] { "TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS" }.Select(n => unbound.ManagementForm[n].ToString()));
        Assert.Equal((string)expected["first_title"]!, unbound.Forms[0]["title"].ToString());
        Assert.Equal((string)expected["extra_title"]!, unbound.Forms[2]["title"].ToString());

        AssertLike(Django["valid"]!.AsObject(), new FormSet<ArticleForm> { Data = Data() }, "valid");
        AssertLike(Django["invalid"]!.AsObject(), new FormSet<ArticleForm> { Data = Data(("form-1-title", ""), ("form-2-pub_date", "nope")) }, "invalid");
        AssertLike(Django["missing_management"]!.AsObject(), new FormSet<ArticleForm> { Data = new Dictionary<string, string> { ["form-0-title"] = "x" } }, "missing management");
        AssertLike(Django["delete"]!.AsObject(), new FormSet<ArticleForm> { Data = Data(("form-1-title", ""), ("form-1-DELETE", "on"), ("form-0-ORDER", "2")), CanDelete = true, CanOrder = true }, "delete");
        var deletable = new FormSet<ArticleForm> { CanDelete = true, CanOrder = true };
        Assert.Equal(Django["delete_fields"]!.AsArray().Select(f => (string)f!), new[] { deletable.Forms[0]["DELETE"].ToString(), deletable.Forms[0]["ORDER"].ToString() });
        AssertLike(Django["too_many"]!.AsObject(), new FormSet<ArticleForm> { Data = Data(), Extra = 0, MaxNum = 1, ValidateMax = true, MinNum = 1, ValidateMin = true }, "too many");
        AssertLike(Django["too_few"]!.AsObject(), new FormSet<ArticleForm>
        {
            Data = new Dictionary<string, string> { ["form-TOTAL_FORMS"] = "1", ["form-INITIAL_FORMS"] = "0", ["form-0-title"] = "" },
            Extra = 0, MaxNum = 1, ValidateMax = true, MinNum = 1, ValidateMin = true,
        }, "too few");
        Assert.Equal((int)Django["limited_unbound_total"]!, new FormSet<ArticleForm> { Extra = 0, MaxNum = 1, MinNum = 1 }.TotalFormCount());
    }

    [Fact]
    public async Task A_formset_validates_asynchronously_and_renders_its_management_form_first()
    {
        using var site = TestSite.Create(_ => { }).Enter();
        var formset = new FormSet<ArticleForm> { Data = Data() };
        Assert.True(await formset.IsValidAsync());
        var html = new FormSet<ArticleForm>().ToString();
        Assert.StartsWith("<input type=\"hidden\" name=\"form-TOTAL_FORMS\" value=\"1\" id=\"id_form-TOTAL_FORMS\">", html.TrimStart());
        Assert.Contains("name=\"form-0-title\"", html);
    }
}
