using System.Text.Json.Nodes;

namespace Podway.E2E;

/// <summary>One `podway trace -o json` run: its exit code and the layers it printed.</summary>
internal sealed record TraceRun(ProcessResult Process, JsonObject? Json)
{
    public string? FailedLayer => Json?["failedLayer"]?.GetValue<string>();
    public bool Succeeded => Json?["succeeded"]?.GetValue<bool>() == true;
    public JsonObject? Layer(string name) => (Json?["layers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(l => l["layer"]?.GetValue<string>() == name);
    public string Saw(string layer) => Layer(layer)?["saw"]?.GetValue<string>() ?? "";
    public string Fix(string layer) => Layer(layer)?["fix"]?.GetValue<string>() ?? "";
    public string Status(string layer) => Layer(layer)?["status"]?.GetValue<string>() ?? "absent";
    public override string ToString() => Process.ToString();
}

internal static class TraceCommands
{
    public static async Task<TraceRun> TraceAsync(this ClusterFixture cluster, string ns, string from, string to)
    {
        var run = await cluster.PodwayAsync("trace", "--name", cluster.Name, "--data-dir", cluster.DataDir, "-n", ns, "-o", "json", from, to);
        JsonObject? json = null;
        try { json = JsonNode.Parse(run.Stdout) as JsonObject; } catch (System.Text.Json.JsonException) { }
        return new TraceRun(run, json);
    }

    /// <summary>Traces until <paramref name="done"/> holds: the proxy and the edge take a moment to follow a change.</summary>
    public static Task<TraceRun> TraceUntilAsync(this ClusterFixture cluster, string ns, string from, string to, Func<TraceRun, bool> done, string what) =>
        Eventually.ValueAsync(() => cluster.TraceAsync(ns, from, to), done, what, seconds: 60);

    /// <summary>A Pod to trace from: netshoot sleeping (it has curl, should a human want to compare).</summary>
    public const string Client = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: client }
        spec:
          replicas: 1
          selector: { matchLabels: { app: client } }
          template:
            metadata: { labels: { app: client } }
            spec:
              containers: [{ name: shell, image: nicolaka/netshoot, command: [sleep, infinity] }]
        """;
}
