using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests.Endpoints;

[Collection("endpoints")]
public sealed class EndpointSliceControllerTests(EndpointsFixture cluster)
{
    ApiClient Client => cluster.Client;

    static JsonObject Selector(string app) => new() { ["app"] = app };

    async Task<List<JsonObject>> SlicesWhenAsync(string ns, string svc, Func<List<JsonObject>, bool> done, string what)
    {
        List<JsonObject> slices = [];
        await Eventually.TrueAsync(async () => done(slices = await cluster.SlicesAsync(ns, svc)), what);
        return slices;
    }

    [Fact]
    public async Task Sync_ReadyNotReadyAndTerminatingPods_ConditionsNodeZoneAndTargetRef()
    {
        var ns = await cluster.NewNamespaceAsync();
        var ready = await cluster.PodAsync(ns, "ready", "web");
        var notReady = await cluster.PodAsync(ns, "not-ready", "web", ready: false);
        var leaving = await cluster.PodAsync(ns, "leaving", "web");
        await cluster.TerminateAsync(ns, "leaving");
        var service = await cluster.ServiceAsync(ns, "web", new JsonObject { ["selector"] = Selector("web"), ["ports"] = new JsonArray(EndpointsFixture.Port(80, 8080)) },
            labels: new JsonObject { ["tier"] = "front" });

        var slices = await SlicesWhenAsync(ns, "web", s => EndpointsFixture.EndpointsOf(s).Count() == 3
            && EndpointsFixture.EndpointsOf(s).Any(e => e.Obj("conditions").Bool("terminating") == true), "3 endpoints, one terminating");

        var slice = Assert.Single(slices);
        Assert.Matches("^web-[a-z0-9]{5}$", slice.Name());
        Assert.Equal("IPv4", slice.Str("addressType"));
        var labels = slice.Labels()!;
        Assert.Equal(("web", "endpointslice-controller.k8s.io", "front"),
            (labels.Str("kubernetes.io/service-name"), labels.Str("endpointslice.kubernetes.io/managed-by"), labels.Str("tier")));
        Assert.Null(labels["service.kubernetes.io/headless"]);
        var owner = Assert.Single(slice.Obj("metadata")!.Arr("ownerReferences")!.OfType<JsonObject>());
        Assert.Equal(("v1", "Service", "web", service.Uid(), true, true),
            (owner.Str("apiVersion"), owner.Str("kind"), owner.Str("name"), owner.Str("uid"), owner.Bool("controller"), owner.Bool("blockOwnerDeletion")));
        var port = Assert.Single(slice.Arr("ports")!.OfType<JsonObject>());
        Assert.Equal(("", "TCP", 8080L), (port.Str("name"), port.Str("protocol"), port.Long("port")));

        var byName = EndpointsFixture.EndpointsOf(slices).ToDictionary(e => e.Obj("targetRef").Str("name")!);
        foreach (var (pod, expected) in new[] { (ready, (true, true, false)), (notReady, (false, false, false)), (leaving, (false, true, true)) })
        {
            var endpoint = byName[pod.Name()];
            var conditions = endpoint.Obj("conditions");
            Assert.Equal(expected, (conditions.Bool("ready") ?? false, conditions.Bool("serving") ?? false, conditions.Bool("terminating") ?? false));
            Assert.Equal(pod.Obj("status").Str("podIP"), EndpointsFixture.Ip(endpoint));
            Assert.Equal((EndpointsFixture.NodeName, EndpointsFixture.Zone), (endpoint.Str("nodeName"), endpoint.Str("zone")));
            var target = endpoint.Obj("targetRef");
            Assert.Equal(("Pod", ns, pod.Name(), pod.Uid()), (target.Str("kind"), target.Str("namespace"), target.Str("name"), target.Str("uid")));
        }
    }

    [Fact]
    public async Task Sync_NamedTargetPortOnDifferentNumbers_OneSlicePerPortSet()
    {
        var ns = await cluster.NewNamespaceAsync();
        var a = await cluster.PodAsync(ns, "a", "api", ports: [("http", 8080)]);
        var b = await cluster.PodAsync(ns, "b", "api", ports: [("http", 9090)]);
        await cluster.PodAsync(ns, "c", "api", ports: [("grpc", 7000)]); // serves no "http": an endpoint without that port
        await cluster.ServiceAsync(ns, "api", new JsonObject { ["selector"] = Selector("api"), ["ports"] = new JsonArray(EndpointsFixture.Port(80, "http", "web")) });

        var slices = await SlicesWhenAsync(ns, "api", s => EndpointsFixture.EndpointsOf(s).Count() == 3, "3 endpoints");

        var portOf = slices.ToDictionary(s => EndpointsFixture.Ip(Assert.Single(s.Arr("endpoints")!.OfType<JsonObject>()))!,
            s => string.Join(",", s.Arr("ports")!.OfType<JsonObject>().Select(p => $"{p.Str("name")}:{p.Long("port")}")));
        Assert.Equal("web:8080", portOf[a.Obj("status").Str("podIP")!]);
        Assert.Equal("web:9090", portOf[b.Obj("status").Str("podIP")!]);
        Assert.Contains("", portOf.Values);
    }

    [Theory]
    [InlineData(false, "db-0", "db", "db-0")]     // hostname + subdomain naming the Service: DNS record name
    [InlineData(false, "db-0", "other", null)]   // another subdomain: no hostname
    [InlineData(true, null, null, null)]         // publishNotReadyAddresses: a not-ready Pod is still ready
    public async Task Sync_HeadlessService_HostnameAndPublishNotReady(bool publishNotReady, string? hostname, string? subdomain, string? expectedHostname)
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.PodAsync(ns, "db-0", "db", ready: !publishNotReady, hostname: hostname, subdomain: subdomain);
        var spec = new JsonObject { ["clusterIP"] = "None", ["selector"] = Selector("db"), ["ports"] = new JsonArray(EndpointsFixture.Port(5432, name: "pg")) };
        if (publishNotReady) spec["publishNotReadyAddresses"] = true;
        await cluster.ServiceAsync(ns, "db", spec);

        var slice = Assert.Single(await SlicesWhenAsync(ns, "db", s => EndpointsFixture.EndpointsOf(s).Count() == 1, "1 endpoint"));
        Assert.Equal("", slice.Labels().Str("service.kubernetes.io/headless"));
        var endpoint = Assert.Single(EndpointsFixture.EndpointsOf([slice]));
        Assert.Equal(expectedHostname, endpoint.Str("hostname"));
        Assert.True(endpoint.Obj("conditions").Bool("ready"));
        Assert.Equal(!publishNotReady, endpoint.Obj("conditions").Bool("serving"));
    }

    [Fact]
    public async Task Sync_250PodsThenScaleByOne_ThreeSlicesAndOnlyOneRewritten()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Task.WhenAll(Enumerable.Range(0, 250).Chunk(25).Select(async chunk =>
        {
            foreach (var i in chunk) await cluster.PodAsync(ns, $"p-{i:D3}", "big");
        }));
        await cluster.ServiceAsync(ns, "big", new JsonObject { ["selector"] = Selector("big"), ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });

        var slices = await SlicesWhenAsync(ns, "big", s => EndpointsFixture.EndpointsOf(s).Count() == 250, "250 endpoints");
        Assert.Equal([50, 100, 100], slices.Select(s => s.Arr("endpoints")!.Count).Order());
        Assert.All(slices, s => Assert.Matches("^big-[a-z0-9]{5}$", s.Name()));
        await Task.Delay(500); // let any late sync land before taking the baseline
        var before = (await cluster.SlicesAsync(ns, "big")).ToDictionary(s => s.Name(), ObjectMeta.ResourceVersion);

        await cluster.PodAsync(ns, "p-250", "big");
        slices = await SlicesWhenAsync(ns, "big", s => EndpointsFixture.EndpointsOf(s).Count() == 251, "251 endpoints");
        Assert.Equal(before.Keys.Order(), slices.Select(s => s.Name()).Order());
        Assert.Single(slices, s => before[s.Name()] != ObjectMeta.ResourceVersion(s));
        Assert.Equal([51, 100, 100], slices.Select(s => s.Arr("endpoints")!.Count).Order());

        before = slices.ToDictionary(s => s.Name(), ObjectMeta.ResourceVersion);
        await Client.DeleteAsync(BuiltinResources.Pod, ns, "p-007", new DeleteOptions { GracePeriodSeconds = 0 });
        slices = await SlicesWhenAsync(ns, "big", s => EndpointsFixture.EndpointsOf(s).Count() == 250, "back to 250 endpoints");
        Assert.Single(slices, s => before[s.Name()] != ObjectMeta.ResourceVersion(s));
    }

    [Fact]
    public async Task Sync_SelectorMatchesNothing_OneEmptyPlaceholderSlice()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.ServiceAsync(ns, "ghost", new JsonObject { ["selector"] = Selector("nobody"), ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });

        var slice = Assert.Single(await SlicesWhenAsync(ns, "ghost", s => s.Count == 1, "a placeholder slice"));
        Assert.Empty(slice.Arr("endpoints") ?? []);
        Assert.Empty(slice.Arr("ports") ?? []);

        // A Pod arriving takes over the placeholder rather than adding a second slice.
        var pod = await cluster.PodAsync(ns, "now", "nobody");
        var filled = Assert.Single(await SlicesWhenAsync(ns, "ghost", s => EndpointsFixture.EndpointsOf(s).Count() == 1, "the Pod's endpoint"));
        Assert.Equal(slice.Name(), filled.Name());
        Assert.Equal(pod.Obj("status").Str("podIP"), EndpointsFixture.Ip(Assert.Single(EndpointsFixture.EndpointsOf([filled]))));
    }

    [Fact]
    public async Task Sync_PodBecomesReady_EndpointFlipsInPlace()
    {
        var ns = await cluster.NewNamespaceAsync();
        var pod = await cluster.PodAsync(ns, "slow", "flip", ready: false);
        await cluster.ServiceAsync(ns, "flip", new JsonObject { ["selector"] = Selector("flip"), ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });
        var first = Assert.Single(await SlicesWhenAsync(ns, "flip", s => EndpointsFixture.EndpointsOf(s).Count() == 1, "1 endpoint"));
        Assert.False(EndpointsFixture.EndpointsOf([first]).Single().Obj("conditions").Bool("ready"));

        await Task.Delay(1100); // condition times have whole seconds: make this transition a later one
        await Workloads.FakeKubelet.MarkRunningAsync(Client, pod, ready: true, pod.Obj("status").Str("podIP")!);

        var after = Assert.Single(await SlicesWhenAsync(ns, "flip", s => EndpointsFixture.EndpointsOf(s).Any(e => e.Obj("conditions").Bool("ready") == true), "ready endpoint"));
        Assert.Equal(first.Name(), after.Name());
        // The trigger time is the Pod's Ready transition: what kube-proxy measures network programming latency from.
        var readySince = (await Client.GetAsync(BuiltinResources.Pod, ns, "slow")).Obj("status")!.Arr("conditions")!.OfType<JsonObject>().Single(c => c.Str("type") == "Ready").Str("lastTransitionTime");
        Assert.Equal(readySince, after.Obj("metadata")?.Obj("annotations").Str("endpoints.kubernetes.io/last-change-trigger-time"));
    }

    [Fact]
    public async Task Sync_SelectorlessServiceAndHandWrittenSlice_LeftAlone()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.ServiceAsync(ns, "my-service", new JsonObject { ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });
        var yaml = await File.ReadAllTextAsync(Path.Combine(SeedManifests.Directory, "002-endpointslice.yaml"));
        var handWritten = await Client.CreateAsync(BuiltinResources.EndpointSlice, ns, SeedManifests.Parse(yaml));
        // A Service with a selector created after: once its slice exists, the controller has seen the others.
        await cluster.ServiceAsync(ns, "marker", new JsonObject { ["selector"] = Selector("marker"), ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });
        await SlicesWhenAsync(ns, "marker", s => s.Count == 1, "the marker's slice");
        await Task.Delay(300);

        var slice = Assert.Single(await cluster.SlicesAsync(ns, "my-service"));
        Assert.Equal(("my-service-abc", ObjectMeta.ResourceVersion(handWritten)), (slice.Name(), ObjectMeta.ResourceVersion(slice)));
    }

    [Fact]
    public async Task Delete_Service_SlicesGarbageCollected()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.PodAsync(ns, "p", "gone");
        await cluster.ServiceAsync(ns, "gone", new JsonObject { ["selector"] = Selector("gone"), ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });
        await SlicesWhenAsync(ns, "gone", s => EndpointsFixture.EndpointsOf(s).Count() == 1, "1 endpoint");

        await Client.DeleteAsync(BuiltinResources.Service, ns, "gone");

        await SlicesWhenAsync(ns, "gone", s => s.Count == 0, "slices collected");
        await Eventually.TrueAsync(async () => await cluster.EndpointsAsync(ns, "gone") is null, "Endpoints deleted");
    }
}
