using System.Diagnostics;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests;

/// <summary>The feed against the real in-process API server: object changes reach Route.</summary>
public sealed class EdgeConfigFeedTests : IClassFixture<RealApiServer>
{
    readonly RealApiServer _api;
    public EdgeConfigFeedTests(RealApiServer api) => _api = api;

    [Fact]
    public async Task Feed_IngressServiceSliceChanges_ReachRoute()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var ns = "edge-" + id;
        var className = "podway-" + id;
        var host = $"feed-{id}.example.com";
        using var stop = new CancellationTokenSource();
        var factory = new SharedInformerFactory(_api.Client);
        var feed = new EdgeConfigFeed(factory, Fake, TimeSpan.FromMilliseconds(5));
        var changes = 0;
        feed.Changed += _ => Interlocked.Increment(ref changes);
        factory.Start(stop.Token);
        var running = feed.RunAsync(stop.Token);
        try
        {
            await feed.Synced.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("404", Show(feed.Route(host, "/", false)));

            await _api.Client.CreateAsync(BuiltinResources.Namespace, null, new() { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
            await _api.Client.CreateAsync(BuiltinResources.IngressClass, null, new()
            {
                ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "IngressClass",
                ["metadata"] = new JsonObject { ["name"] = className },
                ["spec"] = new JsonObject { ["controller"] = IngressClassResolver.PodwayController },
            });
            await _api.Client.CreateAsync(BuiltinResources.Service, ns, Service(ns, "web", ("http", 80)));
            var ingress = Ingress(ns, "web", 0, [Rule(host, Path("/", "Prefix", Backend("web", 80)))], className: className);
            ingress["metadata"]!.AsObject().Remove("creationTimestamp");
            await _api.Client.CreateAsync(BuiltinResources.Ingress, ns, ingress);

            // The Service exists but has no endpoints yet: a Forward with an empty pool (503 at the forwarder).
            await Eventually(() => Describe(feed.Route(host, "/x", false)), $"{ns}/web→web:80 []");
            Assert.Contains(new IngressRef(ns, "web"), feed.Current.ServedIngresses);

            await _api.Client.CreateAsync(BuiltinResources.EndpointSlice, ns, Ready(ns, "web-abc", "web", "http", 8080, "10.244.9.1"));
            await Eventually(() => Describe(feed.Route(host, "/x", false)), $"{ns}/web→web:80 [10.244.9.1:8080]");

            await _api.Client.DeleteAsync(BuiltinResources.Ingress, ns, "web");
            await Eventually(() => Describe(feed.Route(host, "/x", false)), "404");
            Assert.True(Volatile.Read(ref changes) >= 3);
        }
        finally
        {
            await _api.Client.DeleteAsync(BuiltinResources.IngressClass, null, className).ContinueWith(_ => { });
            stop.Cancel();
            await running.ContinueWith(_ => { });
            await factory.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        }
    }

    static string Describe(RouteDecision d) =>
        d is RouteDecision.Forward f ? $"{Show(d)} [{string.Join(", ", f.Backend.Usable)}]" : Show(d);

    static async Task Eventually(Func<string> actual, string expected)
    {
        var clock = Stopwatch.StartNew();
        while (actual() != expected && clock.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(20);
        Assert.Equal(expected, actual());
    }
}
