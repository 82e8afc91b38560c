using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Scheduling;

/// <summary>
/// The default-scheduler in miniature: Pods with no spec.nodeName and schedulerName default-scheduler are filtered
/// against every Node (<see cref="NodeFit"/>), the fitting node with the fewest pods wins, and the Pod is bound with
/// POST pods/{name}/binding. A Pod that fits nowhere gets PodScheduled=False/Unschedulable with kube's
/// "0/N nodes are available: ..." message and a FailedScheduling event, and is tried again when a Node changes
/// (and every few seconds, like kube's unschedulable-queue flush).
/// Like kube-scheduler, one Pod is decided at a time (under a lock, with the Pods assumed on their nodes) while the
/// bindings go out in parallel (kube binds in a goroutine per Pod): with one worker a burst of 100 Pods waited ~1.5 s
/// behind its own sequential binding and event POSTs.
/// </summary>
public sealed class Scheduler
{
    public const string Name = "default-scheduler";
    static readonly TimeSpan RetryUnschedulable = TimeSpan.FromSeconds(5);

    readonly ApiClient _client;
    readonly Informer _pods, _nodes;
    readonly EventRecorder _recorder;
    /// <summary>Pods being bound at once.</summary>
    public const int BindingWorkers = 16;

    readonly WorkQueue<string> _queue = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
    readonly ConcurrentDictionary<string, string> _assumed = new(); // pod uid → node, until the informer shows the binding
    readonly ConcurrentDictionary<string, byte> _unschedulable = new();
    readonly Lock _decide = new();
    readonly Action<string>? _log;

    public Scheduler(SharedInformerFactory informers, Action<string>? log = null)
    {
        _client = informers.Client;
        _log = log;
        _recorder = new EventRecorder(_client, Name, log: log);
        _pods = informers.For(BuiltinResources.Pod);
        _nodes = informers.For(BuiltinResources.Node);
        _pods.AddEventHandler(OnPod, (_, pod) => OnPod(pod), pod => { _assumed.TryRemove(pod.Uid() ?? "", out _); _unschedulable.TryRemove(ObjectMeta.Key(pod), out _); });
        _nodes.AddEventHandler(_ => RetryUnschedulablePods(), (old, node) => { if (!JsonNode.DeepEquals(old, node)) RetryUnschedulablePods(); }, _ => { });
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_pods.WaitForSyncAsync(ct), _nodes.WaitForSyncAsync(ct));
        await _queue.RunWorkersAsync(workers, ScheduleAsync, ct, (key, e) => _log?.Invoke($"{Name}: {key}: {e.Message}"));
    }

    static bool WantsScheduling(JsonObject pod) =>
        string.IsNullOrEmpty(pod.Obj("spec").Str("nodeName"))
        && (pod.Obj("spec").Str("schedulerName") ?? Name) == Name
        && pod.Obj("metadata").Str("deletionTimestamp") is null
        && pod.Obj("status").Str("phase") is not ("Succeeded" or "Failed");

    void OnPod(JsonObject pod)
    {
        if (!string.IsNullOrEmpty(pod.Obj("spec").Str("nodeName"))) _assumed.TryRemove(pod.Uid() ?? "", out _);
        if (WantsScheduling(pod)) _queue.Add(ObjectMeta.Key(pod));
    }

    void RetryUnschedulablePods()
    {
        foreach (var key in _unschedulable.Keys) _queue.Add(key);
    }

    async Task ScheduleAsync(string key, CancellationToken ct)
    {
        var pod = _pods.Cache.Get(key);
        if (pod is null || !WantsScheduling(pod) || _assumed.ContainsKey(pod.Uid() ?? "")) return;
        string? chosen;
        string? failure;
        lock (_decide) (chosen, failure) = Decide(pod);
        if (chosen is null)
        {
            _unschedulable[key] = 0;
            await ReportUnschedulableAsync(pod, failure!, ct);
            _queue.AddAfter(key, RetryUnschedulable);
            return;
        }
        _unschedulable.TryRemove(key, out _);
        try
        {
            await _client.CreateSubresourceAsync(BuiltinResources.Pod, pod.Namespace(), pod.Name(), "binding", new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Binding",
                ["metadata"] = new JsonObject { ["name"] = pod.Name(), ["namespace"] = pod.Namespace(), ["uid"] = pod.Uid() },
                ["target"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["name"] = chosen },
            }, ct);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            _assumed.TryRemove(pod.Uid() ?? "", out _);
            return; // deleted or bound by someone else meanwhile
        }
        catch
        {
            _assumed.TryRemove(pod.Uid() ?? "", out _);
            throw;
        }
        await _recorder.RecordAsync(pod, EventRecorder.Normal, "Scheduled", $"Successfully assigned {pod.Namespace()}/{pod.Name()} to {chosen}", ct);
    }

    /// <summary>Filters every node, picks the one with the fewest pods (ties by name), and assumes the pod there.</summary>
    (string? Node, string? Failure) Decide(JsonObject pod)
    {
        var nodes = _nodes.Cache.List();
        if (nodes.Count == 0) return (null, "no nodes available to schedule pods");
        var podsByNode = PodsByNode();
        var reasons = new Dictionary<string, int>();
        var fits = new List<(string Name, int Pods)>();
        foreach (var node in nodes)
        {
            var onNode = podsByNode.GetValueOrDefault(node.Name()) ?? [];
            if (NodeFit.Check(pod, node, onNode) is { } reason) reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            else fits.Add((node.Name(), onNode.Count));
        }
        if (fits.Count == 0)
        {
            var histogram = reasons.Select(r => $"{r.Value} {r.Key}").Order(StringComparer.Ordinal);
            return (null, $"0/{nodes.Count} nodes are available: {string.Join(", ", histogram)}.");
        }
        var best = fits.OrderBy(f => f.Pods).ThenBy(f => f.Name, StringComparer.Ordinal).First().Name;
        _assumed[pod.Uid() ?? ""] = best;
        return (best, null);
    }

    /// <summary>Active pods per node: those the informer shows bound, plus the ones this scheduler just bound.</summary>
    Dictionary<string, List<JsonObject>> PodsByNode()
    {
        var result = new Dictionary<string, List<JsonObject>>();
        foreach (var pod in _pods.Cache.List())
        {
            var node = pod.Obj("spec").Str("nodeName");
            if (string.IsNullOrEmpty(node) && !_assumed.TryGetValue(pod.Uid() ?? "", out node)) continue;
            if (pod.Obj("status").Str("phase") is "Succeeded" or "Failed") continue;
            if (!result.TryGetValue(node, out var list)) result[node] = list = [];
            list.Add(pod);
        }
        return result;
    }

    async Task ReportUnschedulableAsync(JsonObject pod, string message, CancellationToken ct)
    {
        var current = pod.Obj("status")?.Arr("conditions")?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == "PodScheduled");
        if (current.Str("status") == "False" && current.Str("reason") == "Unschedulable" && current.Str("message") == message) return;
        await _recorder.RecordAsync(pod, EventRecorder.Warning, "FailedScheduling", message, ct);
        try
        {
            await _client.PatchAsync(BuiltinResources.Pod, pod.Namespace(), pod.Name(), PatchType.StrategicMerge, new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["conditions"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "PodScheduled", ["status"] = "False", ["lastProbeTime"] = null,
                        ["lastTransitionTime"] = JsonNodes.Rfc3339(DateTimeOffset.UtcNow),
                        ["reason"] = "Unschedulable", ["message"] = message,
                    }),
                },
            }, subresource: "status", ct: ct);
        }
        catch (ApiException e) when (e.Code == 404) { }
    }
}
