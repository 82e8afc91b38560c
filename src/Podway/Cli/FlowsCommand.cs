using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Proxy.Flows;

namespace Podway.Cli;

/// <summary>
/// `podway flows`: the nodes' flow logs (Hubble's observe), read through the API server's nodes/NAME/proxy/flows,
/// merged by time and filtered. --follow asks every node for what came after its last flow, four times a second.
/// </summary>
internal static class FlowsCommand
{
    static readonly string[] Verdicts = [FlowRecord.Forwarded, FlowRecord.Dropped, FlowRecord.Rejected];

    public static async Task<int> RunAsync(ParsedCommand cmd, CliContext ctx)
    {
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        var filter = new FlowFilter(cmd.Value("--namespace"), cmd.Value("--pod"), cmd.Value("--verdict"));
        if (filter.Verdict is { } v && !Verdicts.Contains(v))
            throw new UsageException($"invalid value \"{v}\" for --verdict: use forwarded, dropped or rejected");
        var json = cmd.Value("--output") switch
        {
            null => false,
            "json" => true,
            var o => throw new UsageException($"invalid value \"{o}\" for --output: use json"),
        };
        using var client = ClusterKubeconfig.Client(paths);

        using var cts = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
        var cursors = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!json) ctx.Out.WriteLine($"{"TIME",-12} {"SOURCE",-40} {"DESTINATION",-60} {"PROTO",-5} VERDICT");
        try
        {
            do
            {
                var batch = new List<FlowRecord>();
                var nodes = await client.ListAsync(BuiltinResources.Node, ct: cts.Token);
                foreach (var node in (nodes["items"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var name = ObjectMeta.Name(node);
                    JsonObject answer;
                    try { answer = await client.GetRawAsync($"/api/v1/nodes/{Uri.EscapeDataString(name)}/proxy/flows?since={cursors.GetValueOrDefault(name)}", cts.Token); }
                    catch (Podway.Api.Errors.ApiException e)
                    {
                        // One node out of reach (its agent restarting) leaves the others' flows to show.
                        ctx.Err.WriteLine($"warning: no flows from node {name}: {e.Message}");
                        continue;
                    }
                    cursors[name] = answer["last"]?.GetValue<long>() ?? 0;
                    batch.AddRange(answer["flows"].Deserialize(FlowJson.Default.ListFlowRecord) ?? []);
                }
                foreach (var flow in batch.Where(filter.Matches).OrderBy(f => f.Time))
                    ctx.Out.WriteLine(json ? JsonSerializer.Serialize(flow, FlowJson.Default.FlowRecord) : FlowText.Line(flow));
                ctx.Out.Flush();
                if (cmd.Has("--follow")) await Task.Delay(250, cts.Token);
            } while (cmd.Has("--follow"));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
        catch (Exception e) when (e is HttpRequestException or Podway.Api.Errors.ApiException)
        {
            throw new CliException($"cannot read cluster {paths.Name}'s flows through its API: {e.Message}");
        }
        return 0;
    }
}

/// <summary>Which flows `podway flows` prints: a Pod or namespace on either end, and the verdict.</summary>
internal sealed record FlowFilter(string? Namespace, string? Pod, string? Verdict)
{
    public bool Matches(FlowRecord f) =>
        (Verdict is null || f.Verdict == Verdict) &&
        (Namespace is null || InNamespace(f.SourcePod) || InNamespace(f.DestinationPod) || InNamespace(f.Service)) &&
        (Pod is null || IsPod(f.SourcePod) || IsPod(f.DestinationPod));

    bool InNamespace(string? name) => name is not null && name.StartsWith(Namespace + "/", StringComparison.Ordinal);

    bool IsPod(string? name) => name is not null &&
        (name == Pod || (!Pod!.Contains('/') && name.EndsWith("/" + Pod, StringComparison.Ordinal) && (Namespace is null || InNamespace(name))));
}

/// <summary>One flow as a line: time, who, to what (Service, then the endpoint), protocol, verdict and why.</summary>
internal static class FlowText
{
    public static string Line(FlowRecord f)
    {
        var source = Endpoint(f.SourcePod, f.SourceIp, f.SourcePort);
        var destination = f.Service is { } svc
            ? f.BackendIp is { } backend ? $"svc {svc} -> {Endpoint(f.DestinationPod, backend, f.BackendPort)}"
                // A drop after DNAT: the packet's destination is already the endpoint (a Pod); a rejection's is the Service's.
                : f.DestinationPod is not null ? $"svc {svc} -> {Endpoint(f.DestinationPod, f.DestinationIp, f.DestinationPort)}"
                : $"svc {svc} ({f.DestinationIp}:{f.DestinationPort})"
            : Endpoint(f.DestinationPod, f.DestinationIp, f.DestinationPort);
        var verdict = f.DnsQuery is { } q ? $"DNS {q}" : f.Verdict.ToUpperInvariant() + (f.Reason is { } r ? $" {(f.Verdict == FlowRecord.Dropped ? "by " : "")}{r}" : "");
        return $"{f.Time.ToLocalTime():HH:mm:ss.fff} {source,-40} {destination,-60} {f.Protocol.ToUpperInvariant(),-5} {verdict}";
    }

    static string Endpoint(string? pod, string ip, int port) =>
        (pod is null ? ip : $"{pod} ({ip}") + (port > 0 ? $":{port}" : "") + (pod is null ? "" : ")");
}

/// <summary>Flows as the kubelet's /flows writes them (web names, defaults left out), generated at compile time.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<FlowRecord>))]
internal sealed partial class FlowJson : System.Text.Json.Serialization.JsonSerializerContext;
