using System.Net;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Node.Kubelet;
using Podway.Node.Runtime;

namespace Podway.Node.Tests.Kubelet;

[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<RealApiServer>
{
    public const string Name = "kubelet-api-server";
}

/// <summary>
/// One node agent (restartable) against the shared real API server, with its own node name, namespace and state
/// directory. Disposal stops the agent and kills every container process it left, so no test leaks processes.
/// </summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    readonly DirectoryInfo _stateDir = Directory.CreateTempSubdirectory("podway-kubelet-state-");
    CancellationTokenSource? _cts;
    Task? _agentTask;

    public AgentHarness(RealApiServer api, NodeAgentOptions? options = null)
    {
        Api = api;
        var id = Guid.NewGuid().ToString("N")[..6];
        Namespace = "kl-" + id;
        Node = new NodeIdentity
        {
            ClusterName = "kl" + id,
            NodeName = "node-" + id,
            Index = 1,
            NodeIp = IPAddress.Loopback,
            HostIp = IPAddress.Loopback,
            NodeNetworkPrefix = 8,
            PodCidr = "10.244.1.0/24",
            ClusterPodCidr = "10.244.0.0/16",
            StateDir = _stateDir.FullName,
        };
        // Containers run under crun for real; the state directory is bound into them so tests can exchange files.
        Options = (options ?? new NodeAgentOptions()) with
        {
            PodResyncInterval = TimeSpan.FromSeconds(1),
            Runtime = new ContainerRuntimeOptions { PodwayExecutable = "/nonexistent/podway", ExtraBinds = [_stateDir.FullName] },
        };
        Sandboxes = new HostSandboxes(Node.StateDir);
    }

    public RealApiServer Api { get; }
    public ApiClient Client => Api.Client;
    public string Namespace { get; }
    public NodeIdentity Node { get; }
    public NodeAgentOptions Options { get; }
    public HostSandboxes Sandboxes { get; }
    public NodeAgent? Agent { get; private set; }
    public string TempDir => _stateDir.FullName;

    public async Task StartAsync()
    {
        if (await Client.TryGetAsync(BuiltinResources.Namespace, null, Namespace) is null)
            await Client.CreateAsync(BuiltinResources.Namespace, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = Namespace } });
        _cts = new CancellationTokenSource();
        Agent = new NodeAgent(Client, Node, Sandboxes, new TestImages(), Options);
        _agentTask = Agent.RunAsync(_cts.Token);
    }

    public async Task StopAsync()
    {
        if (_cts is null) return;
        await _cts.CancelAsync();
        try { await _agentTask!.WaitAsync(TimeSpan.FromSeconds(15)); } catch (OperationCanceledException) { }
        _cts = null;
    }

    /// <summary>Creates a pod bound to this node; containers is the JSON array of spec.containers.</summary>
    public async Task<JsonObject> CreatePodAsync(string name, string containers, string restartPolicy = "Always", string extraSpec = "")
    {
        var pod = JsonNode.Parse($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{Namespace}}}","labels":{"app":"{{{name}}}"}},
             "spec":{"nodeName":"{{{Node.NodeName}}}","restartPolicy":"{{{restartPolicy}}}","terminationGracePeriodSeconds":5,{{{extraSpec}}}"containers":{{{containers}}}}}
            """)!.AsObject();
        return await Client.CreateAsync(BuiltinResources.Pod, Namespace, pod);
    }

    public Task<JsonObject?> GetPodAsync(string name) => Client.TryGetAsync(BuiltinResources.Pod, Namespace, name);

    public async Task<JsonObject> WaitPodAsync(string name, Func<JsonObject, bool> condition, string what, int seconds = 20)
    {
        JsonObject? pod = null;
        await Eventually.TrueAsync(async () => (pod = await GetPodAsync(name)) is not null && condition(pod), $"{name}: {what}", seconds);
        return pod!;
    }

    /// <summary>The Pod's events once one of them matches: the agent sends events after the work they report (queued, as the kubelet's recorder does).</summary>
    public async Task<IReadOnlyList<JsonObject>> EventsOnceAsync(string podName, Func<JsonObject, bool> match, string what, int seconds = 20)
    {
        IReadOnlyList<JsonObject> events = [];
        await Eventually.TrueAsync(async () => (events = await EventsAsync(podName)).Any(match), $"{podName}: event {what}", seconds);
        return events;
    }

    public async Task<IReadOnlyList<JsonObject>> EventsAsync(string podName)
    {
        var list = await Client.ListAsync(BuiltinResources.CoreEvent, Namespace, new ListOptions { FieldSelector = $"involvedObject.name={podName}" });
        return [.. (list["items"] as JsonArray ?? []).OfType<JsonObject>()];
    }

    public static JsonObject? Condition(JsonObject pod, string type) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

    public static string? ConditionStatus(JsonObject pod, string type) => Condition(pod, type)?["status"]?.GetValue<string>();

    public static JsonObject ContainerStatus(JsonObject pod, int index = 0) => pod["status"]!["containerStatuses"]![index]!.AsObject();

    public string LogPath(JsonObject pod, string container, int attempt) =>
        ContainerPaths.For(Node.StateDir, ObjectMeta.Uid(pod), container, attempt).Log;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        ClusterRuntimeCleanup.Remove(Node.ClusterName, Node.StateDir);
        await Task.Delay(100);
        try { _stateDir.Delete(recursive: true); } catch (IOException) { }
    }
}
