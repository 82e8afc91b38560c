using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests.Workloads;

/// <summary>A real API server, the controller manager (with the scheduler) and one fake node that runs every pod.</summary>
public sealed class WorkloadsFixture : IAsyncLifetime
{
    ManagedApiServer? _cluster;
    FakeKubelet? _kubelet;
    readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    public ApiClient Client => _cluster!.Client;

    /// <summary>What the controllers logged (sync errors among it: "deployment-controller: sync ns/name: ...").</summary>
    public IReadOnlyCollection<string> Log => _log;

    public async Task InitializeAsync()
    {
        _cluster = await ManagedApiServer.StartAsync(new ControllerManagerOptions { Log = _log.Enqueue });
        _kubelet = await FakeKubelet.StartAsync(Client, "node-1");
    }

    public async Task DisposeAsync()
    {
        if (_kubelet is not null) await _kubelet.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    public Task<string> NewNamespaceAsync() => _cluster!.NewNamespaceAsync("w-");

    public static JsonObject Template(string app, string image = "nginx:1.27", JsonObject? annotations = null)
    {
        var meta = new JsonObject { ["labels"] = new JsonObject { ["app"] = app } };
        if (annotations is not null) meta["annotations"] = annotations;
        return new JsonObject
        {
            ["metadata"] = meta,
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = image }) },
        };
    }

    public static JsonObject Workload(string kind, string name, int replicas, JsonObject template, JsonObject? extraSpec = null)
    {
        var spec = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = template.Obj("metadata")!.Obj("labels")!.DeepClone() },
            ["template"] = template,
        };
        foreach (var (k, v) in extraSpec ?? []) spec[k] = v?.DeepClone();
        return new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
    }

    public async Task<List<JsonObject>> PodsAsync(string ns, string? selector = null) =>
        (await Client.ListAsync(BuiltinResources.Pod, ns, new ListOptions { LabelSelector = selector }))["items"]!.AsArray().OfType<JsonObject>().ToList();

    public async Task<List<JsonObject>> ReplicaSetsAsync(string ns) =>
        (await Client.ListAsync(BuiltinResources.ReplicaSet, ns))["items"]!.AsArray().OfType<JsonObject>().ToList();

    public async Task<List<JsonObject>> EventsAsync(string ns) =>
        (await Client.ListAsync(BuiltinResources.CoreEvent, ns))["items"]!.AsArray().OfType<JsonObject>().ToList();

    public static bool IsReady(JsonObject pod) =>
        pod.Obj("metadata").Str("deletionTimestamp") is null
        && pod.Obj("status")?.Arr("conditions")?.OfType<JsonObject>().Any(c => c.Str("type") == "Ready" && c.Str("status") == "True") == true;

    public static long? Field(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.')) node = node?[part];
        return node is JsonValue v ? v.GetValue<long>() : null;
    }

    public static JsonObject? Condition(JsonObject obj, string type) =>
        obj.Obj("status")?.Arr("conditions")?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);

    /// <summary>The `kubectl rollout status` decision for a Deployment (kubectl-wire §8): done, or why not.</summary>
    public static (bool Done, string Message) RolloutStatus(JsonObject d)
    {
        var name = d.Name();
        if ((Field(d, "metadata.generation") ?? 0) > (Field(d, "status.observedGeneration") ?? 0)) return (false, "Waiting for deployment spec update to be observed...");
        if (Condition(d, "Progressing")?.Str("reason") == "ProgressDeadlineExceeded") return (false, $"deployment \"{name}\" exceeded its progress deadline");
        var replicas = Field(d, "spec.replicas") ?? 1;
        var updated = Field(d, "status.updatedReplicas") ?? 0;
        var total = Field(d, "status.replicas") ?? 0;
        var available = Field(d, "status.availableReplicas") ?? 0;
        if (updated < replicas) return (false, $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated...");
        if (total > updated) return (false, $"Waiting for deployment \"{name}\" rollout to finish: {total - updated} old replicas are pending termination...");
        if (available < updated) return (false, $"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...");
        return (true, $"deployment \"{name}\" successfully rolled out");
    }
}

[CollectionDefinition("workloads")]
public sealed class WorkloadsCollection : ICollectionFixture<WorkloadsFixture>;
