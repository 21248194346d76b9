using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nuages.Tests.Support;

/// <summary>Our answers against the ones a Django script wrote (tests' Vectors/*.json): every case of the script run, each compared as JSON, all differences reported at once.</summary>
public static class DjangoAnswers
{
    public static void AssertSame(JsonObject django, IReadOnlyList<(string Name, Func<object?> Query)> cases,
        Func<object?, JsonNode?>? toJson = null, Func<JsonNode?, JsonNode?, bool>? same = null)
    {
        Assert.Equal(django.Select(c => c.Key).Order(StringComparer.Ordinal), cases.Select(c => c.Name).Order(StringComparer.Ordinal));
        toJson ??= value => JsonSerializer.SerializeToNode(value);
        same ??= JsonNode.DeepEquals;
        var wrong = new List<string>();
        foreach (var (name, query) in cases)
        {
            var ours = toJson(query());
            if (!same(ours, django[name])) wrong.Add($"{name}: Django {django[name]?.ToJsonString()}, Nuages {ours?.ToJsonString()}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
