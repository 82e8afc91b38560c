namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// Upstream's network policy e2e cases (test/e2e/network/netpol/network_policy.go) on a real podway cluster: each
/// applies policies to x, y, z and checks the whole 9x9 matrix against the truth table; every test removes its
/// policies and labels again, so they share one cluster.
/// </summary>
[Collection("netpol")]
public sealed class NetworkPolicyMatrixTests(NetpolCluster netpol) : IAsyncLifetime
{
    readonly MatrixProbe _probe = new(netpol);
    static readonly string[] Pods = Reachability.Pods;

    /// <summary>Starts from a kernel without policies (other classes of the collection may have just deleted theirs).</summary>
    public Task InitializeAsync() => netpol.NoPolicyProgrammedAsync();

    /// <summary>Back to no policies and the base labels.</summary>
    public async Task DisposeAsync()
    {
        foreach (var ns in Reachability.Namespaces)
        {
            await netpol.Cluster.KubectlAsync("delete", "networkpolicy", "--all", "-n", netpol.Ns(ns));
            await netpol.Cluster.KubectlAsync("label", "namespace", netpol.Ns(ns), "ns2-");
            await netpol.Cluster.KubectlAsync("label", "pods", "--all", "-n", netpol.Ns(ns), "pod2-");
        }
        // The next test starts from a kernel without policies, so it never passes on this test's leftovers.
        await netpol.NoPolicyProgrammedAsync();
    }

    async Task ApplyAsync(string ns, string yaml)
    {
        var r = await netpol.Cluster.KubectlStdinAsync(yaml, "apply", "-n", netpol.Ns(ns), "-f", "-");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    /// <summary>The cluster's Pod range: 10.244.0.0/16 for the first cluster on the machine, 10.2xx.0.0/16 for later ones.</summary>
    string PodRange() => string.Join('.', netpol.Ips["x/a"].Split('.')[..2]) + ".0.0/16";

    static bool In(string pod, string ns) => pod.StartsWith(ns + "/", StringComparison.Ordinal);

    [Fact]
    public async Task NoPolicies_EveryPodReachesEveryPod_TcpAndUdp()
    {
        await _probe.ExpectAsync(new Reachability(true), 80, "tcp");
        await _probe.ExpectAsync(new Reachability(true), 81, "udp");
    }

    [Fact]
    public async Task DefaultDenyIngress_NamespaceXUnreachable_TcpAndUdp()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny-ingress}, spec: {podSelector: {}, policyTypes: [Ingress]}}");
        var expected = new Reachability(true);
        foreach (var to in Pods.Where(p => In(p, "x"))) expected.ExpectAllIngress(to, false);
        await _probe.ExpectAsync(expected, 80, "tcp");
        await _probe.ExpectAsync(expected, 80, "udp");
    }

    [Fact]
    public async Task DefaultDenyEgress_NamespaceXReachesNothing_NotEvenDns()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny-egress}, spec: {podSelector: {}, policyTypes: [Egress]}}");
        var expected = new Reachability(true);
        foreach (var from in Pods.Where(p => In(p, "x"))) expected.ExpectAllEgress(from, false);
        await _probe.ExpectAsync(expected, 80, "tcp");
        var dns = await netpol.Cluster.KubectlAsync("exec", "-n", netpol.Ns("x"), "a", "--", "getent", "hosts", "kubernetes.default.svc.cluster.local");
        Assert.NotEqual(0, dns.ExitCode);
    }

    [Fact]
    public async Task EgressOnlyToDns_NamesResolve_PodsUnreachable()
    {
        await ApplyAsync("x", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-dns-only}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
                - ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
            """);
        var expected = new Reachability(true);
        foreach (var from in Pods.Where(p => In(p, "x"))) expected.ExpectAllEgress(from, false);
        await _probe.ExpectAsync(expected, 80, "tcp");
        var dns = await Eventually.ValueAsync(() => netpol.Cluster.KubectlAsync("exec", "-n", netpol.Ns("x"), "a", "--", "getent", "hosts", "kubernetes.default.svc.cluster.local"),
            r => r.ExitCode == 0, "a name resolved through kube-dns", 30);
        Assert.Contains("10.96.0.1", dns.Stdout);
    }

    [Fact]
    public async Task AllowFromSameNamespace_OnlyXReachesX()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: allow-same-ns}, spec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}}");
        var expected = new Reachability(true);
        foreach (var to in Pods.Where(p => In(p, "x"))) expected.ExpectIngressFrom(to, from => In(from, "x"));
        await _probe.ExpectAsync(expected);
    }

    [Fact]
    public async Task AllowFromNamespaceByLabel_OnlyYReachesXA()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: allow-from-y}, spec: {podSelector: {matchLabels: {pod: a}}, ingress: [{from: [{namespaceSelector: {matchLabels: {ns: \"y\"}}}]}]}}");
        await _probe.ExpectAsync(new Reachability(true).ExpectIngressFrom("x/a", from => In(from, "y")));
    }

    [Fact]
    public async Task PodAndNamespaceSelectorInOnePeer_OnlyYB()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: one-peer}, spec: {podSelector: {matchLabels: {pod: a}}, ingress: [{from: [{namespaceSelector: {matchLabels: {ns: \"y\"}}, podSelector: {matchLabels: {pod: b}}}]}]}}");
        await _probe.ExpectAsync(new Reachability(true).ExpectIngressFrom("x/a", from => from == "y/b"));
    }

    [Fact]
    public async Task PodAndNamespaceSelectorInTwoPeers_AllOfYAndXB()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: two-peers}, spec: {podSelector: {matchLabels: {pod: a}}, ingress: [{from: [{namespaceSelector: {matchLabels: {ns: \"y\"}}}, {podSelector: {matchLabels: {pod: b}}}]}]}}");
        await _probe.ExpectAsync(new Reachability(true).ExpectIngressFrom("x/a", from => In(from, "y") || from == "x/b"));
    }

    [Fact]
    public async Task IpBlockWithExcept_AllButTheExceptedPods()
    {
        await ApplyAsync("x", $$$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: ipblock}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
                - from: [{ipBlock: {cidr: "{{{PodRange()}}}", except: ["{{{netpol.Ips["y/b"]}}}/32", "{{{netpol.Ips["z/c"]}}}/32"]}}]
            """);
        await _probe.ExpectAsync(new Reachability(true).ExpectIngressFrom("x/a", from => from is not ("y/b" or "z/c")));
    }

    [Fact]
    public async Task NamedPort_OnlyThatPortAndProtocolOpen()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: named-port}, spec: {podSelector: {matchLabels: {pod: a}}, ingress: [{ports: [{port: serve-81-tcp}]}]}}");
        await _probe.ExpectAsync(new Reachability(true).ExpectAllIngress("x/a", false), 80, "tcp");
        await _probe.ExpectAsync(new Reachability(true), 81, "tcp");
        await _probe.ExpectAsync(new Reachability(true).ExpectAllIngress("x/a", false), 81, "udp");
    }

    [Fact]
    public async Task EndPort_RangeCoversEightyNotEightyOne()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: end-port}, spec: {podSelector: {matchLabels: {pod: a}}, ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 70, endPort: 80}]}]}}");
        await _probe.ExpectAsync(new Reachability(true), 80, "tcp");
        await _probe.ExpectAsync(new Reachability(true).ExpectAllIngress("x/a", false), 81, "tcp");
    }

    [Fact]
    public async Task Updates_NamespaceLabelPodLabelAndPolicyRemoval_MatrixFollows()
    {
        await ApplyAsync("x", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: updated}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
                - from: [{namespaceSelector: {matchLabels: {ns2: updated}}}, {podSelector: {matchLabels: {pod2: updated}}}]
            """);
        await _probe.ExpectAsync(new Reachability(true).ExpectAllIngress("x/a", false));

        var label = await netpol.Cluster.KubectlAsync("label", "namespace", netpol.Ns("y"), "ns2=updated");
        Assert.True(label.ExitCode == 0, label.ToString());
        await _probe.ExpectAsync(new Reachability(true).ExpectIngressFrom("x/a", from => In(from, "y")));

        label = await netpol.Cluster.KubectlAsync("label", "pod", "b", "-n", netpol.Ns("x"), "pod2=updated");
        Assert.True(label.ExitCode == 0, label.ToString());
        await _probe.ExpectAsync(new Reachability(true).ExpectIngressFrom("x/a", from => In(from, "y") || from == "x/b"));

        var delete = await netpol.Cluster.KubectlAsync("delete", "networkpolicy", "updated", "-n", netpol.Ns("x"));
        Assert.True(delete.ExitCode == 0, delete.ToString());
        await _probe.ExpectAsync(new Reachability(true));
    }

    [Fact]
    public async Task TwoPoliciesSelectingOnePod_Union()
    {
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: from-y}, spec: {podSelector: {matchLabels: {pod: a}}, ingress: [{from: [{namespaceSelector: {matchLabels: {ns: \"y\"}}}]}]}}");
        await ApplyAsync("x", "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: from-z-c}, spec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {ns: \"z\"}}, podSelector: {matchLabels: {pod: c}}}]}]}}");
        var expected = new Reachability(true)
            .ExpectIngressFrom("x/a", from => In(from, "y") || from == "z/c")
            .ExpectIngressFrom("x/b", from => from == "z/c")
            .ExpectIngressFrom("x/c", from => from == "z/c");
        await _probe.ExpectAsync(expected);
    }
}
