using System.Diagnostics;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Edge.Addon;
using Podway.Edge.Routing;
using Podway.Edge.Status;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Status;

/// <summary>The control-plane side against the real in-process API server: Ingress addresses and Events.</summary>
public sealed class EdgeStatusHostTests : IClassFixture<RealApiServer>, IAsyncLifetime
{
    const string EdgeIp = "10.250.9.129";
    readonly RealApiServer _api;
    readonly CancellationTokenSource _stop = new();
    Task _host = Task.CompletedTask;
    readonly string _id = Guid.NewGuid().ToString("N")[..6];
    string Ns => "st-" + _id;
    string OurClass => "ours-" + _id;

    public EdgeStatusHostTests(RealApiServer api) => _api = api;

    public async Task InitializeAsync()
    {
        var client = _api.Client;
        foreach (var ns in new[] { EdgeAddon.Namespace, Ns })
            if (await client.TryGetAsync(BuiltinResources.Namespace, null, ns) is null)
                await client.CreateAsync(BuiltinResources.Namespace, null, new() { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        if (await client.TryGetAsync(BuiltinResources.Service, EdgeAddon.Namespace, EdgeAddon.ServiceName) is null)
        {
            var svc = Service(EdgeAddon.Namespace, EdgeAddon.ServiceName, ("http", 80), ("https", 443));
            svc["spec"]!["type"] = "LoadBalancer";
            await client.CreateAsync(BuiltinResources.Service, EdgeAddon.Namespace, svc);
            // What the LoadBalancer controller writes.
            await client.PatchAsync(BuiltinResources.Service, EdgeAddon.Namespace, EdgeAddon.ServiceName, PatchType.Merge,
                new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = EdgeIp }) } } },
                "status");
        }
        await client.CreateAsync(BuiltinResources.IngressClass, null, new()
        {
            ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "IngressClass",
            ["metadata"] = new JsonObject { ["name"] = OurClass },
            ["spec"] = new JsonObject { ["controller"] = IngressClassResolver.PodwayController },
        });
        await client.CreateAsync(BuiltinResources.Service, Ns, Service(Ns, "web", ("http", 80)));
        _host = EdgeStatusHost.RunAsync(client, null, _stop.Token);
    }

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        await _host.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        await _api.Client.DeleteAsync(BuiltinResources.IngressClass, null, OurClass).ContinueWith(_ => { });
    }

    async Task CreateIngressAsync(string name, string className, JsonObject[]? tls = null)
    {
        var ingress = Ingress(Ns, name, 0, [Rule($"{name}-{_id}.example.com", Path("/", "Prefix", Backend("web", 80)))], tls: tls, className: className);
        ingress["metadata"]!.AsObject().Remove("creationTimestamp");
        await _api.Client.CreateAsync(BuiltinResources.Ingress, Ns, ingress);
    }

    async Task<string> AddressAsync(string name) =>
        (await _api.Client.GetAsync(BuiltinResources.Ingress, Ns, name))["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]?.GetValue<string>() ?? "";

    async Task<string> EventsAsync(string name)
    {
        var list = await _api.Client.ListAsync(BuiltinResources.CoreEvent, Ns);
        return string.Join("\n", (list["items"]?.AsArray() ?? []).OfType<JsonObject>()
            .Where(e => e["involvedObject"]?["name"]?.GetValue<string>() == name)
            .Select(e => $"{e["type"]} {e["reason"]} {e["count"]} {e["message"]}"));
    }

    static async Task<string> EventuallyAsync(Func<Task<string>> actual, Func<string, bool> done)
    {
        var clock = Stopwatch.StartNew();
        var value = await actual();
        while (!done(value) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
            value = await actual();
        }
        return value;
    }

    [Fact]
    public async Task OurIngress_GetsEdgeAddressAndSyncEvent_UntilItsClassChanges()
    {
        await CreateIngressAsync("mine", OurClass);
        Assert.Equal(EdgeIp, await EventuallyAsync(() => AddressAsync("mine"), a => a == EdgeIp));
        Assert.Contains("Normal Sync 1 Scheduled for sync", await EventuallyAsync(() => EventsAsync("mine"), e => e.Contains("Sync")));

        await _api.Client.PatchAsync(BuiltinResources.Ingress, Ns, "mine", PatchType.Merge,
            new JsonObject { ["spec"] = new JsonObject { ["ingressClassName"] = "nobody-" + _id } });
        Assert.Equal("", await EventuallyAsync(() => AddressAsync("mine"), a => a == ""));
    }

    [Fact]
    public async Task UnknownClassIngress_NeverGetsAnAddress()
    {
        await CreateIngressAsync("theirs", "nobody-" + _id);
        await CreateIngressAsync("witness", OurClass);
        // Once the later, served Ingress has its address, the controller has passed over the first one.
        Assert.Equal(EdgeIp, await EventuallyAsync(() => AddressAsync("witness"), a => a == EdgeIp));
        Assert.Equal("", await AddressAsync("theirs"));
        Assert.Equal("", await EventsAsync("theirs"));
    }

    [Fact]
    public async Task MissingTlsSecret_RecordsOneWarningEvent()
    {
        await CreateIngressAsync("tls", OurClass, [Tls("absent-" + _id, $"tls-{_id}.example.com")]);
        var events = await EventuallyAsync(() => EventsAsync("tls"), e => e.Contains("Warning"));
        Assert.Contains($"Warning {EdgeConfigBuilder.ProblemReason} 1 Secret \"{Ns}/absent-{_id}\" for TLS not found", events);
        // Rebuilds that keep the same problem do not repeat it.
        await _api.Client.CreateAsync(BuiltinResources.EndpointSlice, Ns, Ready(Ns, "web-x", "web", "http", 8080, "10.244.9.1"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single((await EventsAsync("tls")).Split('\n'), l => l.StartsWith("Warning"));
        Assert.Contains($"Warning {EdgeConfigBuilder.ProblemReason} 1 ", await EventsAsync("tls"));
    }
}
