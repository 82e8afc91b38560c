using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace Podway.Api.Printing.Printers;

/// <summary>
/// The subset of kubectl JSONPath that CRD additionalPrinterColumns use here: ".a.b", "[*]", "[N]" and
/// "[?(@.field=="value")]". Returns every match, in document order.
/// </summary>
internal static partial class SimpleJsonPath
{
    [GeneratedRegex("""\G(?:\.(?<field>[A-Za-z0-9_-]+)|\[\*\]|\[(?<index>\d+)\]|\[\?\(@\.(?<filterField>[A-Za-z0-9_-]+)==["'](?<filterValue>[^"']*)["']\)\])""")]
    private static partial Regex Step();

    public static List<JsonNode?> Find(JsonNode? root, string path)
    {
        var current = new List<JsonNode?> { root };
        int pos = 0;
        while (pos < path.Length)
        {
            var m = Step().Match(path, pos);
            if (!m.Success) throw new ArgumentException($"unsupported JSONPath '{path}' at {pos}");
            pos += m.Length;
            current = m.Groups["field"].Success ? current.Select(n => n is JsonObject o && o.TryGetPropertyValue(m.Groups["field"].Value, out var v) ? (true, v) : (false, null))
                                                          .Where(r => r.Item1).Select(r => r.Item2).ToList()
                : m.Groups["index"].Success ? current.OfType<JsonArray>().Where(a => int.Parse(m.Groups["index"].Value) < a.Count)
                                                     .Select(a => a[int.Parse(m.Groups["index"].Value)]).ToList()
                : m.Groups["filterField"].Success ? current.OfType<JsonArray>().SelectMany(a => a)
                      .Where(e => JsonRead.Str(e, m.Groups["filterField"].Value) == m.Groups["filterValue"].Value).ToList()
                : current.OfType<JsonArray>().SelectMany(a => a).ToList();
        }
        return current;
    }
}
