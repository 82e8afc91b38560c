using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Controllers.Endpoints;

namespace Podway.Controllers.Tests.Endpoints;

[Collection("endpoints")]
public sealed class EndpointsControllerTests(EndpointsFixture cluster)
{
    ApiClient Client => cluster.Client;

    async Task<JsonObject> EndpointsWhenAsync(string ns, string name, Func<JsonObject, bool> done, string what)
    {
        JsonObject? endpoints = null;
        await Eventually.TrueAsync(async () => (endpoints = await cluster.EndpointsAsync(ns, name)) is { } e && done(e), what);
        return endpoints!;
    }

    static IEnumerable<string> Ips(JsonObject endpoints, string field) =>
        (endpoints.Arr("subsets") ?? []).OfType<JsonObject>().SelectMany(s => s.Arr(field)?.OfType<JsonObject>() ?? []).Select(a => a.Str("ip")!);

    [Fact]
    public async Task Sync_ReadyNotReadyTerminating_AddressesNotReadyAddressesAndLabels()
    {
        var ns = await cluster.NewNamespaceAsync();
        var ready = await cluster.PodAsync(ns, "ready", "web", hostname: "h", subdomain: "web");
        var notReady = await cluster.PodAsync(ns, "not-ready", "web", ready: false);
        await cluster.PodAsync(ns, "leaving", "web");
        await cluster.TerminateAsync(ns, "leaving");
        await cluster.ServiceAsync(ns, "web", new JsonObject { ["selector"] = new JsonObject { ["app"] = "web" }, ["ports"] = new JsonArray(EndpointsFixture.Port(80, 8080)) },
            labels: new JsonObject { ["tier"] = "front" });

        var endpoints = await EndpointsWhenAsync(ns, "web", e => Ips(e, "addresses").Count() + Ips(e, "notReadyAddresses").Count() == 2, "2 addresses");

        var subset = Assert.Single(endpoints.Arr("subsets")!.OfType<JsonObject>());
        var address = Assert.Single(subset.Arr("addresses")!.OfType<JsonObject>());
        Assert.Equal((ready.Obj("status").Str("podIP"), "h", EndpointsFixture.NodeName), (address.Str("ip"), address.Str("hostname"), address.Str("nodeName")));
        Assert.Equal(("Pod", ns, "ready", ready.Uid()), (address.Obj("targetRef").Str("kind"), address.Obj("targetRef").Str("namespace"), address.Obj("targetRef").Str("name"), address.Obj("targetRef").Str("uid")));
        Assert.Equal([notReady.Obj("status").Str("podIP")!], Ips(endpoints, "notReadyAddresses"));
        var port = Assert.Single(subset.Arr("ports")!.OfType<JsonObject>());
        Assert.Equal((null, 8080L, "TCP"), (port.Str("name"), port.Long("port"), port.Str("protocol")));
        Assert.Equal(("front", "endpoint-controller"), (endpoints.Labels().Str("tier"), endpoints.Labels().Str("endpoints.kubernetes.io/managed-by")));
        Assert.Null(endpoints.Obj("metadata")?["ownerReferences"]);
    }

    [Fact]
    public async Task Sync_NamedTargetPortOnDifferentNumbers_OneSubsetPerPortNumber()
    {
        var ns = await cluster.NewNamespaceAsync();
        var a = await cluster.PodAsync(ns, "a", "api", ports: [("http", 8080)]);
        var b = await cluster.PodAsync(ns, "b", "api", ports: [("http", 9090)]);
        await cluster.ServiceAsync(ns, "api", new JsonObject { ["selector"] = new JsonObject { ["app"] = "api" }, ["ports"] = new JsonArray(EndpointsFixture.Port(80, "http", "web")) });

        var endpoints = await EndpointsWhenAsync(ns, "api", e => Ips(e, "addresses").Count() == 2, "2 ready addresses");

        var byIp = endpoints.Arr("subsets")!.OfType<JsonObject>().ToDictionary(
            s => Assert.Single(s.Arr("addresses")!.OfType<JsonObject>()).Str("ip")!,
            s => Assert.Single(s.Arr("ports")!.OfType<JsonObject>()));
        Assert.Equal(("web", 8080L), (byIp[a.Obj("status").Str("podIP")!].Str("name"), byIp[a.Obj("status").Str("podIP")!].Long("port")));
        Assert.Equal(("web", 9090L), (byIp[b.Obj("status").Str("podIP")!].Str("name"), byIp[b.Obj("status").Str("podIP")!].Long("port")));
    }

    [Fact]
    public async Task Sync_SelectorMatchesNothing_EndpointsWithoutSubsets()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.ServiceAsync(ns, "ghost", new JsonObject { ["selector"] = new JsonObject { ["app"] = "nobody" }, ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });

        var endpoints = await EndpointsWhenAsync(ns, "ghost", _ => true, "the Endpoints object");

        Assert.Empty(endpoints.Arr("subsets") ?? []);
        Assert.Equal("endpoint-controller", endpoints.Labels().Str("endpoints.kubernetes.io/managed-by"));
    }

    [Fact]
    public async Task Sync_PodLosesReadiness_MovesToNotReadyAndBack()
    {
        var ns = await cluster.NewNamespaceAsync();
        var pod = await cluster.PodAsync(ns, "p", "flip");
        await cluster.ServiceAsync(ns, "flip", new JsonObject { ["selector"] = new JsonObject { ["app"] = "flip" }, ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });
        var ip = pod.Obj("status").Str("podIP")!;
        await EndpointsWhenAsync(ns, "flip", e => Ips(e, "addresses").Contains(ip), "ready address");

        await Workloads.FakeKubelet.MarkRunningAsync(Client, pod, ready: false, ip);
        await EndpointsWhenAsync(ns, "flip", e => Ips(e, "notReadyAddresses").Contains(ip) && !Ips(e, "addresses").Any(), "not ready address");

        await Task.Delay(1100); // condition times have whole seconds: make this transition a later one
        await Workloads.FakeKubelet.MarkRunningAsync(Client, pod, ready: true, ip);
        var endpoints = await EndpointsWhenAsync(ns, "flip", e => Ips(e, "addresses").Contains(ip) && !Ips(e, "notReadyAddresses").Any(), "ready again");
        var readySince = (await Client.GetAsync(BuiltinResources.Pod, ns, "p")).Obj("status")!.Arr("conditions")!.OfType<JsonObject>().Single(c => c.Str("type") == "Ready").Str("lastTransitionTime");
        Assert.Equal(readySince, endpoints.Obj("metadata")?.Obj("annotations").Str("endpoints.kubernetes.io/last-change-trigger-time"));
    }

    [Fact]
    public async Task Sync_KubernetesEndpointsInDefault_Untouched()
    {
        var before = await Client.GetAsync(BuiltinResources.Endpoints, "default", "kubernetes");
        var ns = await cluster.NewNamespaceAsync();
        await cluster.ServiceAsync(ns, "marker", new JsonObject { ["selector"] = new JsonObject { ["app"] = "m" }, ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });
        await EndpointsWhenAsync(ns, "marker", _ => true, "the marker's Endpoints");

        var after = await Client.GetAsync(BuiltinResources.Endpoints, "default", "kubernetes");
        Assert.Equal(ObjectMeta.ResourceVersion(before), ObjectMeta.ResourceVersion(after));
        Assert.Null(after.Labels().Str("endpoints.kubernetes.io/managed-by"));
    }

    public sealed record TruncateRow(int[] Ready, int[] NotReady, int[] ReadyAfter, int[] NotReadyAfter, bool Truncated);

    public static TheoryData<TruncateRow> TruncateRows => new()
    {
        new TruncateRow([600], [300], [600], [300], false),
        new TruncateRow([600], [600], [600], [400], true),          // not-ready addresses give way first
        new TruncateRow([700, 500], [50], [584, 416], [0], true),   // proportional shares, rounded up, capped at 1000
    };

    [Theory]
    [MemberData(nameof(TruncateRows))]
    public void Truncate_OverCapacity_KeepsProportionalSharesReadyFirst(TruncateRow row)
    {
        static JsonArray Addresses(int n, int subset) => new([.. Enumerable.Range(0, n).Select(i => (JsonNode)new JsonObject { ["ip"] = $"10.{subset}.{i / 250}.{i % 250}" })]);
        var subsets = new JsonArray([.. row.Ready.Select((n, i) => (JsonNode)new JsonObject
        {
            ["addresses"] = Addresses(n, i),
            ["notReadyAddresses"] = Addresses(i < row.NotReady.Length ? row.NotReady[i] : 0, i + 100),
        })]);

        Assert.Equal(row.Truncated, EndpointSubsets.Truncate(subsets));

        var list = subsets.OfType<JsonObject>().ToList();
        Assert.Equal(row.ReadyAfter, list.Select(s => s.Arr("addresses")?.Count ?? 0));
        Assert.Equal(row.NotReadyAfter, list.Take(row.NotReadyAfter.Length).Select(s => s.Arr("notReadyAddresses")?.Count ?? 0));
        Assert.True(EndpointSubsets.Count(subsets) <= EndpointSubsets.MaxCapacity);
    }
}
