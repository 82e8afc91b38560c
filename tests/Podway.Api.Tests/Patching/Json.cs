using System.Text.Json.Nodes;

namespace Podway.Api.Tests.Patching;

/// <summary>Test helpers: parse a JSON literal and compare documents structurally.</summary>
internal static class Json
{
    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonArray Arr(string json) => JsonNode.Parse(json)!.AsArray();

    public static void Equal(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual),
            $"expected {JsonNode.Parse(expected)!.ToJsonString()}\n  actual {actual?.ToJsonString() ?? "null"}");

    /// <summary>Like Equal, but also requires the same key order (what a user sees in -o json).</summary>
    public static void Same(string expected, JsonNode? actual) =>
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), actual?.ToJsonString());
}
