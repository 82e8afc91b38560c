using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Trace;

/// <summary>What `podway trace` prints: one line per layer, in the guides' order, and whether the request got through.</summary>
public sealed record TraceReport(string From, string To, string Namespace, IReadOnlyList<LayerResult> Layers)
{
    /// <summary>How long the trace took inside the process (API reads, kernel reads, the request), for the benchmark.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The request succeeded: a connection answered and no layer failed.</summary>
    public bool Succeeded => Layers.Count > 0 && Layers.All(l => l.Status != LayerStatus.Fail) && Layers.Any(l => l.Layer == "connect" && l.Status == LayerStatus.Pass);

    public LayerResult? FirstFailure => Layers.FirstOrDefault(l => l.Status == LayerStatus.Fail);

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"trace {From} -> {To} (namespace {Namespace})");
        var width = Layers.Count == 0 ? 8 : Layers.Max(l => l.Layer.Length) + 1;
        foreach (var l in Layers)
        {
            var mark = l.Status switch { LayerStatus.Pass => "✓", LayerStatus.Fail => "✗", _ => "-" };
            sb.AppendLine($"{mark} {l.Layer.PadRight(width)} {l.Saw}");
            if (l.Fix is not null) sb.AppendLine($"  {new string(' ', width)} fix: {l.Fix}");
        }
        sb.AppendLine(Succeeded ? "result: the request got through" : $"result: FAILED at {FirstFailure?.Layer ?? "connect"}");
        return sb.ToString();
    }

    /// <summary>How <see cref="ToJson"/> writes: indented, ✓/✗ and quotes as they are.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A report as <see cref="ToJson"/> wrote it (a server's answer): layers, their status, what they saw and the fix.</summary>
    public static TraceReport FromJson(JsonObject json)
    {
        var layers = (json["layers"] as JsonArray ?? []).OfType<JsonObject>().Select(l => new LayerResult(
            (string?)l["layer"] ?? "?",
            (string?)l["status"] switch { "pass" => LayerStatus.Pass, "fail" => LayerStatus.Fail, _ => LayerStatus.Skipped },
            (string?)l["saw"] ?? "", (string?)l["fix"]) { Ms = (double?)l["ms"] }).ToList();
        return new TraceReport((string?)json["from"] ?? "", (string?)json["to"] ?? "", (string?)json["namespace"] ?? "", layers)
        {
            Elapsed = TimeSpan.FromMilliseconds((double?)json["elapsedMs"] ?? 0),
        };
    }

    public string ToJson()
    {
        var layers = new JsonArray();
        foreach (var l in Layers)
        {
            var o = new JsonObject
            {
                ["layer"] = l.Layer,
                ["status"] = l.Status switch { LayerStatus.Pass => "pass", LayerStatus.Fail => "fail", _ => "skipped" },
                ["saw"] = l.Saw,
            };
            if (l.Fix is not null) o["fix"] = l.Fix;
            if (l.Ms is { } ms) o["ms"] = ms;
            if (l.Details.Count > 0) o["details"] = DetailsJson.ToNode(l.Details);
            layers.Add((JsonNode)o);
        }
        var root = new JsonObject
        {
            ["from"] = From,
            ["to"] = To,
            ["namespace"] = Namespace,
            ["succeeded"] = Succeeded,
            ["failedLayer"] = FirstFailure?.Layer,
            ["elapsedMs"] = Math.Round(Elapsed.TotalMilliseconds, 1),
            ["layers"] = layers,
        };
        return root.ToJsonString(JsonOptions);
    }
}
