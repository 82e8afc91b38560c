using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Podway.Api.Tests.Support;

/// <summary>Compares JSON ignoring key order (as kubectl -o yaml does), and reads values by "a.b[0].c" paths.</summary>
internal static partial class JsonAssert
{
    public static void Equivalent(string expectedJson, JsonNode? actual) =>
        Assert.Equal(Canonical(JsonNode.Parse(expectedJson)), Canonical(actual));

    public static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        _ => node.ToJsonString(),
    };

    [GeneratedRegex(@"([^.\[\]]+)|\[(\d+)\]")] private static partial Regex PathPart();

    /// <summary>The node at a path like spec.ports[0].protocol; keys with dots are written as ["a.b/c"].</summary>
    public static JsonNode? At(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in Segments(path))
            node = segment is int i ? (node as JsonArray)?[i] : (node as JsonObject)?[(string)segment];
        return node;
    }

    public static bool Has(JsonNode root, string path)
    {
        var segments = Segments(path).ToList();
        JsonNode? node = root;
        for (var k = 0; k < segments.Count; k++)
        {
            var last = k == segments.Count - 1;
            if (segments[k] is int i)
            {
                if (node is not JsonArray a || i >= a.Count) return false;
                node = a[i];
            }
            else
            {
                if (node is not JsonObject o || !o.ContainsKey((string)segments[k])) return false;
                if (last) return true;
                node = o[(string)segments[k]];
            }
        }
        return true;
    }

    static IEnumerable<object> Segments(string path)
    {
        var rest = path;
        while (rest.Length > 0)
        {
            if (rest.StartsWith("[\""))
            {
                var end = rest.IndexOf("\"]", StringComparison.Ordinal);
                yield return rest[2..end];
                rest = rest[(end + 2)..].TrimStart('.');
                continue;
            }
            var m = PathPart().Match(rest);
            yield return m.Groups[2].Success ? int.Parse(m.Groups[2].Value) : m.Groups[1].Value;
            rest = rest[(m.Index + m.Length)..].TrimStart('.');
        }
    }
}
