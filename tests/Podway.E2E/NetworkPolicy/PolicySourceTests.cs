using System.Net;
using System.Net.Sockets;

namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// What a policy sees as the source of NodePort traffic from the host: the host's own address on the cluster
/// bridge (the proxy's masquerade comes after the policy), for both externalTrafficPolicy values.
/// </summary>
[Collection("netpol")]
public sealed class PolicySourceTests(NetpolCluster netpol)
{
    ClusterFixture Cluster => netpol.Cluster;

    static async Task<bool> ConnectsAsync(IPAddress ip, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(ip, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException) { return false; }
    }

    [Theory]
    [InlineData("Cluster")]
    [InlineData("Local")]
    public async Task NodePortFromHost_PolicySeesHostAddress(string externalTrafficPolicy)
    {
        var ns = netpol.Ns("x");
        var svc = "np-" + externalTrafficPolicy.ToLowerInvariant();
        var apply = await Cluster.KubectlStdinAsync($$$"""
            apiVersion: v1
            kind: Service
            metadata: {name: {{{svc}}}}
            spec:
              type: NodePort
              externalTrafficPolicy: {{{externalTrafficPolicy}}}
              selector: {pod: b}
              ports: [{port: 80, targetPort: 80}]
            """, "apply", "-n", ns, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        try
        {
            var nodeIp = IPAddress.Parse((await Cluster.KubectlAsync("get", "nodes", "-o",
                "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}")).Stdout.Trim());
            var nodePort = int.Parse((await Cluster.KubectlAsync("get", "svc", svc, "-n", ns, "-o", "jsonpath={.spec.ports[0].nodePort}")).Stdout.Trim());
            var bridge = await Processes.RunAsync("ip", ["-4", "-o", "addr", "show", "dev", $"pw{Cluster.Name}"]);
            var hostIp = bridge.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "inet").Skip(1).First().Split('/')[0];
            await Eventually.ValueAsync(() => ConnectsAsync(nodeIp, nodePort), ok => ok, "NodePort answers before any policy", 60);

            async Task AllowOnlyAsync(string cidr)
            {
                var policy = await Cluster.KubectlStdinAsync($$$"""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: only-{{{svc}}}}
                    spec:
                      podSelector: {matchLabels: {pod: b}}
                      ingress: [{from: [{ipBlock: {cidr: "{{{cidr}}}"}}]}]
                    """, "apply", "-n", ns, "-f", "-");
                Assert.True(policy.ExitCode == 0, policy.ToString());
            }

            // Allowing only the host's address keeps the NodePort open; allowing only another address (not even
            // the node's IP, which a masqueraded packet would carry) closes it.
            await AllowOnlyAsync($"{hostIp}/32");
            await Eventually.ValueAsync(() => ConnectsAsync(nodeIp, nodePort), ok => ok, "NodePort open to the host's address", 60);
            await AllowOnlyAsync("192.0.2.0/24");
            await Eventually.ValueAsync(() => ConnectsAsync(nodeIp, nodePort), ok => !ok, "NodePort closed to anything else", 60);
            await AllowOnlyAsync($"{hostIp}/32");
            await Eventually.ValueAsync(() => ConnectsAsync(nodeIp, nodePort), ok => ok, "NodePort open again", 60);
        }
        finally
        {
            await Cluster.KubectlAsync("delete", "networkpolicy", $"only-{svc}", "-n", ns, "--ignore-not-found");
            await Cluster.KubectlAsync("delete", "svc", svc, "-n", ns);
        }
    }
}
