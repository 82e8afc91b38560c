namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// The guides' production advice on the north-south path: default-deny ingress cuts the Ingress off too (the
/// edge Pods are ordinary clients of the backend), and an allow rule for the controller's namespace by
/// `kubernetes.io/metadata.name` lets the edge's traffic through again.
/// </summary>
[Collection("netpol")]
public sealed class IngressPolicyTests(NetpolCluster netpol)
{
    ClusterFixture Cluster => netpol.Cluster;

    [Fact]
    public async Task DefaultDenyThenAllowEdgeNamespace_IngressBlockedThenServed()
    {
        var ns = netpol.Ns("edge");
        await Cluster.KubectlAsync("create", "namespace", ns);
        try
        {
            var host = EdgeCluster.UniqueHost("np");
            await Cluster.ApplyAsync(ns, EdgeCluster.HostnameBackend("web", 1) + "\n---\n" + EdgeCluster.WebIngress("web", host));
            await Cluster.RolledOutAsync(ns, "web");
            var address = await Cluster.AddressAsync(ns, "web");
            string[] curl = ["-w", "\n%{http_code}", "--max-time", "5", "-H", $"Host: {host}", $"http://{address}/"];
            await EdgeCluster.CurlUntilAsync(r => r.Stdout.EndsWith("\n200"), "the Ingress serves before any policy", curl);

            await Cluster.ApplyAsync(ns, "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny-ingress}, spec: {podSelector: {}, policyTypes: [Ingress]}}");
            // New connections are judged, established ones continue (as Calico and Cilium): the edge's pooled keep-alive
            // connections to the Pod (2 min lifetime, EdgeServerOptions.PooledConnectionLifetime) may carry requests
            // until they retire, so the cut can take that long.
            await Eventually.ValueAsync(() => EdgeCluster.CurlAsync(curl), r => !r.Stdout.EndsWith("\n200"), "default deny cuts the Ingress off", seconds: 200);

            await Cluster.ApplyAsync(ns, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-ingress-controller}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}]
                """);
            var served = await EdgeCluster.CurlUntilAsync(r => r.Stdout.EndsWith("\n200"), "the edge's namespace is allowed", curl);
            Assert.StartsWith("web-", served.Stdout);
        }
        finally
        {
            await Cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }
}
