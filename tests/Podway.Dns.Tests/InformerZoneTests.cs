using System.Diagnostics;
using System.Net;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Dns.Forward;
using Podway.Dns.Server;
using Podway.Dns.Wire;
using Podway.Dns.Zone;

namespace Podway.Dns.Tests;

/// <summary>The zone fed by informers from a real in-process API server; changes reach DNS answers.</summary>
public sealed class InformerZoneTests : IClassFixture<RealApiServer>
{
    readonly RealApiServer _api;
    public InformerZoneTests(RealApiServer api) => _api = api;

    [Fact]
    public async Task Informers_ServiceAndSliceChanges_ReachTheAnswers()
    {
        var ns = "dns-" + Guid.NewGuid().ToString("N")[..6];
        await _api.Client.CreateAsync(BuiltinResources.Namespace, null, new() { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = ns } });
        await _api.Client.CreateAsync(BuiltinResources.Service, ns, TestObjects.Service(ns, "web", null, ("http", 80, "TCP")));
        await _api.Client.CreateAsync(BuiltinResources.Service, ns, TestObjects.Service(ns, "db", "None", ("pg", 5432, "TCP")));

        using var stop = new CancellationTokenSource();
        var zone = new ClusterZone();
        var factory = new SharedInformerFactory(_api.Client);
        ZoneFeed.Attach(factory, zone);
        factory.Start(stop.Token);
        await factory.WaitForCacheSyncAsync(stop.Token);
        await using var server = new DnsServer(zone, new UpstreamForwarder([]), new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        try
        {
            var web = await _api.Client.GetAsync(BuiltinResources.Service, ns, "web");
            var clusterIP = (string)web["spec"]!["clusterIP"]!;
            await Eventually(() => Answers($"web.{ns}.svc.cluster.local", RecordType.A, zone), [$"web.{ns}.svc.cluster.local. 5 IN A {clusterIP}"]);
            Assert.Contains(clusterIP, await Dig.RunAsync(server.LocalEndPoint, "+short", $"web.{ns}.svc.cluster.local"));

            // Headless: NXDOMAIN until a ready endpoint appears in an EndpointSlice.
            Assert.Equal(3, ZoneQueryTests.Ask($"db.{ns}.svc.cluster.local", RecordType.A, zone).Rcode);
            await _api.Client.CreateAsync(BuiltinResources.EndpointSlice, ns,
                TestObjects.Slice(ns, "db-1", "db", [("pg", 5432, "TCP")], ("10.244.7.1", "db-0", true), ("10.244.7.2", null, false)));
            await Eventually(() => Answers($"db-0.db.{ns}.svc.cluster.local", RecordType.A, zone), [$"db-0.db.{ns}.svc.cluster.local. 5 IN A 10.244.7.1"]);

            await _api.Client.DeleteAsync(BuiltinResources.Service, ns, "web");
            await Eventually(() => ZoneQueryTests.Ask($"web.{ns}.svc.cluster.local", RecordType.A, zone).Rcode == 3 ? [] : ["still there"], []);
        }
        finally
        {
            stop.Cancel();
            await factory.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        }
    }

    static string[] Answers(string name, ushort type, ClusterZone zone) => [.. ZoneQueryTests.Ask(name, type, zone).Answers];

    static async Task Eventually(Func<string[]> actual, string[] expected)
    {
        var clock = Stopwatch.StartNew();
        while (!actual().SequenceEqual(expected) && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        Assert.Equal(expected, actual());
    }
}
