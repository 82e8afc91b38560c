using System.Net;

namespace Podway.E2E;

/// <summary>The seeds' LoadBalancer Service on a real cluster: an EXTERNAL-IP from the cluster's pool, routed from the host to the node.</summary>
[Collection("cluster")]
public sealed class LoadBalancerTests(ClusterFixture cluster)
{
    [Fact]
    public async Task SeedLoadBalancerService_GetsPoolAddressRoutedViaTheNode()
    {
        var ns = "lb-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await cluster.KubectlAsync("create", "namespace", ns)).ExitCode);
        // Only the seed's LoadBalancer document: its NodePort sibling claims the cluster-wide port 30007, which the
        // seed-manifest test applies in default.
        var seed = await File.ReadAllTextAsync(Path.Combine(Paths.Manifests, "002-services.yaml"));
        var loadBalancer = seed.Split("\n---").Single(doc => doc.Contains("name: my-loadbalancer"));
        var apply = await cluster.KubectlStdinAsync(loadBalancer, "apply", "-n", ns, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("service/my-loadbalancer created", apply.Stdout);

        var nodeIp = IPAddress.Parse((await cluster.KubectlAsync("get", "nodes", "-o",
            "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}")).Stdout.Trim());
        var row = await Eventually.ValueAsync(async () => (await cluster.KubectlAsync("get", "svc", "my-loadbalancer", "-n", ns, "--no-headers")).Stdout,
            s => !s.Contains("<pending>") && s.Contains("LoadBalancer"), "my-loadbalancer gets an EXTERNAL-IP");
        var columns = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var external = IPAddress.Parse(columns[3]);

        // The pool is the upper half of the node network 10.250.K.0/24, without its network and broadcast addresses.
        var (n, e) = (nodeIp.GetAddressBytes(), external.GetAddressBytes());
        Assert.Equal(n[..3], e[..3]);
        Assert.InRange(e[3], 129, 254);
        Assert.Matches(@"^80:3\d{4}/TCP$", columns[4]);

        var route = await Processes.RunAsync("ip", ["route", "get", external.ToString()]);
        Assert.True(route.ExitCode == 0, route.ToString());
        Assert.Contains($"via {nodeIp} dev pw{cluster.Name}", route.Stdout);

        // kubectl delete waits until the object is gone, i.e. until the controller released the address and its finalizer.
        var delete = await cluster.KubectlAsync("delete", "svc", "my-loadbalancer", "-n", ns, "--timeout=60s");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Contains("service \"my-loadbalancer\" deleted", delete.Stdout);
    }
}
