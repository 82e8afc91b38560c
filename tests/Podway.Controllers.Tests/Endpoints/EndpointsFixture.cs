using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Controllers.Tests.Workloads;

namespace Podway.Controllers.Tests.Endpoints;

/// <summary>
/// A real API server and the controller manager (endpoint controllers and GC; no workload controllers or scheduler):
/// tests create Pods bound to node-1 (zone-a) and report their status as a kubelet would (FakeKubelet.MarkRunningAsync),
/// so readiness and IPs are exactly what each test says.
/// </summary>
public sealed class EndpointsFixture : IAsyncLifetime
{
    public const string NodeName = "node-1", Zone = "zone-a";
    ManagedApiServer? _cluster;
    int _nextIp;

    public ApiClient Client => _cluster!.Client;

    public async Task InitializeAsync()
    {
        _cluster = await ManagedApiServer.StartAsync(new ControllerManagerOptions { RunWorkloadControllers = false, RunScheduler = false });
        await Client.CreateAsync(BuiltinResources.Node, null, NodeObjects.Ready(NodeName, new JsonObject { ["kubernetes.io/hostname"] = NodeName, ["topology.kubernetes.io/zone"] = Zone }));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    public Task<string> NewNamespaceAsync() => _cluster!.NewNamespaceAsync("ep-");

    /// <summary>A unique pod IP per fixture: 10.244.x.y.</summary>
    public string NextIp()
    {
        var n = Interlocked.Increment(ref _nextIp);
        return $"10.244.{n / 250}.{n % 250 + 2}";
    }

    /// <summary>A Pod labelled app=<paramref name="app"/> on node-1, its container serving the given named ports, started (Running, with an IP).</summary>
    public async Task<JsonObject> PodAsync(string ns, string name, string app, bool ready = true, (string Name, int Port)[]? ports = null,
        string? hostname = null, string? subdomain = null)
    {
        var container = new JsonObject { ["name"] = "main", ["image"] = "nginx" };
        if (ports is not null)
            container["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["containerPort"] = p.Port })]);
        var spec = new JsonObject { ["nodeName"] = NodeName, ["containers"] = new JsonArray(container) };
        if (hostname is not null) spec["hostname"] = hostname;
        if (subdomain is not null) spec["subdomain"] = subdomain;
        var pod = await Client.CreateAsync(BuiltinResources.Pod, ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = app } },
            ["spec"] = spec,
        });
        await FakeKubelet.MarkRunningAsync(Client, pod, ready, NextIp());
        return await Client.GetAsync(BuiltinResources.Pod, ns, name);
    }

    public Task<JsonObject> ServiceAsync(string ns, string name, JsonObject spec, JsonObject? labels = null)
    {
        var meta = new JsonObject { ["name"] = name };
        if (labels is not null) meta["labels"] = labels;
        return Client.CreateAsync(BuiltinResources.Service, ns, new JsonObject { ["metadata"] = meta, ["spec"] = spec });
    }

    public static JsonObject Port(int port, JsonNode? targetPort = null, string? name = null)
    {
        var p = new JsonObject { ["port"] = port, ["protocol"] = "TCP" };
        if (name is not null) p["name"] = name;
        if (targetPort is not null) p["targetPort"] = targetPort;
        return p;
    }

    public async Task<List<JsonObject>> SlicesAsync(string ns, string service) =>
        (await Client.ListAsync(BuiltinResources.EndpointSlice, ns, new ListOptions { LabelSelector = $"kubernetes.io/service-name={service}" }))["items"]!
            .AsArray().OfType<JsonObject>().ToList();

    public async Task<JsonObject?> EndpointsAsync(string ns, string name)
    {
        try { return await Client.GetAsync(BuiltinResources.Endpoints, ns, name); }
        catch (Podway.Api.Errors.ApiException e) when (e.Code == 404) { return null; }
    }

    public static IEnumerable<JsonObject> EndpointsOf(IEnumerable<JsonObject> slices) =>
        slices.SelectMany(s => s.Arr("endpoints")?.OfType<JsonObject>() ?? []);

    public static string? Ip(JsonObject endpoint) => endpoint.Arr("addresses")?[0]?.GetValue<string>();

    /// <summary>Puts a Pod into Terminating and keeps it there (a finalizer stands in for the kubelet that would finish it).</summary>
    public async Task TerminateAsync(string ns, string name)
    {
        await Client.PatchAsync(BuiltinResources.Pod, ns, name, PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray("test/keep") } });
        await Client.DeleteAsync(BuiltinResources.Pod, ns, name);
    }
}

[CollectionDefinition("endpoints")]
public sealed class EndpointsCollection : ICollectionFixture<EndpointsFixture>;
