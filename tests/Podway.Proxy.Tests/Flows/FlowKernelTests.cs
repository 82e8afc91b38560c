using Podway.Proxy.Flows;
using Podway.Proxy.Nft;
using Podway.Proxy.Policy;
using Podway.Proxy.Tests.Kernel;
using static Podway.Proxy.Tests.Policy.PolicyObjects;

namespace Podway.Proxy.Tests.Flows;

/// <summary>
/// The flow recorder on a lab node namespace with the real kernel: a NetworkPolicy's drops arrive through NFLOG
/// naming the policy, allowed connections through conntrack events, DNS questions through the flows table.
/// </summary>
[Collection("kernel")]
public sealed class FlowKernelTests(KernelLab lab) : IClassFixture<KernelLab>
{
    static readonly Dictionary<string, string> Pods = new() { ["10.244.0.5"] = "shop/p1", ["10.244.0.6"] = "shop/p2", ["10.244.0.9"] = "other/c" };

    [Fact]
    public async Task DeniedAllowedAndDns_RecordedWithVerdictPolicyAndNames()
    {
        var ruleset = await DenyP1Async();

        var recorder = Recorder(ruleset);
        using var stop = new CancellationTokenSource();
        var running = recorder.RunAsync(stop.Token);
        try
        {
            // Listening (NFLOG bound, conntrack -E started) before the traffic.
            await Task.Delay(1000);
            Assert.Equal("TIMEOUT", (await lab.ConnectAsync("c", "10.244.0.5", 8080)).Output);
            Assert.Equal("p2", (await lab.ConnectAsync("c", "10.244.0.6", 8080)).Output);
            KernelLab.Run("ip", "netns", "exec", lab.Ns("c"), "python3", "-c",
                "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); " +
                "s.sendto(bytes.fromhex('abcd01000001000000000000') + b'\\x05flows\\x07example\\x00' + bytes.fromhex('00010001'), ('10.244.0.6', 53))");

            var flows = await WaitForAsync(recorder, fs =>
                fs.Any(f => f.Verdict == FlowRecord.Dropped) && fs.Any(f => f.DestinationPod == "shop/p2" && f.DnsQuery is null) && fs.Any(f => f.DnsQuery is not null));
            var dropped = Assert.Single(flows, f => f.Verdict == FlowRecord.Dropped);
            Assert.Equal(("other/c", "shop/p1", 8080, "tcp"), (dropped.SourcePod, dropped.DestinationPod, dropped.DestinationPort, dropped.Protocol));
            Assert.Equal("shop/deny-p1", dropped.Reason);
            Assert.Contains(flows, f => f.Verdict == FlowRecord.Forwarded && f.SourcePod == "other/c" && f.DestinationPod == "shop/p2" && f.DestinationPort == 8080);
            Assert.Contains(flows, f => f.DnsQuery == "A flows.example." && f.SourcePod == "other/c");
            Assert.DoesNotContain(flows, f => f.SourcePod == "other/c" && f.DestinationPod == "shop/p1" && f.Verdict == FlowRecord.Forwarded);

            var metrics = new System.Text.StringBuilder();
            recorder.WriteMetrics(metrics);
            Assert.Contains("podway_flows_total{verdict=\"dropped\"} 1\n", metrics.ToString());
        }
        finally
        {
            stop.Cancel();
            try { await running; } catch (OperationCanceledException) { }
        }
    }

    [Fact]
    public async Task DropAfterServiceDnat_NamesTheServiceAskedFor()
    {
        // A Service's chain as the proxy renders it (mark, then DNAT), in a nat table of the lab node's own.
        const string portId = "shop/web/tcp/";
        var nat = $"{lab.Table}-svc";
        var script = $$"""
            table ip {{nat}} {
              chain prerouting {
                type nat hook prerouting priority dstnat;
                ip daddr 10.96.0.77 tcp dport 80 {{Rules.ProxyNames.SetServiceMark(portId)}} dnat to 10.244.0.5:8080
              }
            }
            """;
        var file = Path.Combine(Path.GetTempPath(), nat + ".nft");
        File.WriteAllText(file, script);
        try { Assert.Equal(0, KernelLab.Run("ip", "netns", "exec", lab.NodeNs, "nft", "-f", file).Code); }
        finally { File.Delete(file); }

        var ruleset = await DenyP1Async();
        var recorder = Recorder(ruleset, (mark, ip, port, proto) =>
            mark == Rules.ProxyNames.ServiceMark(portId) && (ip, port, proto) == ("10.244.0.5", 8080, "tcp") ? "shop/web:80" : null);
        using var stop = new CancellationTokenSource();
        var running = recorder.RunAsync(stop.Token);
        try
        {
            await Task.Delay(1000);
            Assert.Equal("TIMEOUT", (await lab.ConnectAsync("c", "10.96.0.77", 80)).Output);
            var flows = await WaitForAsync(recorder, fs => fs.Any(f => f.Verdict == FlowRecord.Dropped));
            var dropped = Assert.Single(flows, f => f.Verdict == FlowRecord.Dropped);
            Assert.Equal(("shop/web:80", "shop/p1", "10.244.0.5", 8080), (dropped.Service, dropped.DestinationPod, dropped.DestinationIp, dropped.DestinationPort));
            Assert.Equal("shop/deny-p1", dropped.Reason);
        }
        finally
        {
            stop.Cancel();
            try { await running; } catch (OperationCanceledException) { }
            KernelLab.Run("ip", "netns", "exec", lab.NodeNs, "nft", "delete", "table", "ip", nat);
        }
    }

    /// <summary>NetworkPolicy shop/deny-p1 (ingress to p1 denied) in the lab node's kernel.</summary>
    async Task<PolicyRuleset> DenyP1Async()
    {
        var deny = NetPol("shop", "deny-p1", """{"podSelector":{"matchLabels":{"app":"p1"}}}""");
        var ruleset = PolicyCompiler.Compile([deny],
            [Pod("shop", "p1", "10.244.0.5", "app=p1"), Pod("shop", "p2", "10.244.0.6", "app=p2"), Pod("other", "c", "10.244.0.9")],
            [Ns("shop"), Ns("other")], ["10.244.0.1", KernelLab.NodeIp]);
        await new PolicySyncer(new RealNftables(lab.NodeNs), PolicyNames.TableFor(lab.Table)).SyncAsync(ruleset, default);
        return ruleset;
    }

    FlowRecorder Recorder(PolicyRuleset ruleset, Func<uint, string, int, string, string?>? serviceMarked = null) => new(new FlowRecorderOptions
    {
        NodeName = "lab", ProxyTable = lab.Table, Netns = lab.NodeNs,
        NodeAddresses = new HashSet<string> { "10.244.0.1", KernelLab.NodeIp },
        PodAt = ip => Pods.GetValueOrDefault(ip),
        ServiceMarked = serviceMarked ?? ((_, _, _, _) => null),
        DropReason = counter => ruleset.DropOwners.FirstOrDefault(o => o.Counter == counter)?.PolicyKey,
    });

    static async Task<IReadOnlyList<FlowRecord>> WaitForAsync(FlowRecorder recorder, Func<IReadOnlyList<FlowRecord>, bool> done)
    {
        for (var i = 0; i < 50; i++)
        {
            var flows = recorder.Ring.Since(0).Flows;
            if (done(flows)) return flows;
            await Task.Delay(100);
        }
        return recorder.Ring.Since(0).Flows;
    }
}
