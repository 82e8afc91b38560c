namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) on a real cluster, modelled
/// on kubernetes-sigs/network-policy-api's conformance suite (v0.1.7, conformance/tests/*-standard-*.go and
/// base/api_integration/standard-anp-np-banp.yaml), on the x/y/z matrix instead of its houses: x plays gryffindor
/// (the subject), y slytherin, z hufflepuff. Each case checks the whole 9x9 matrix and re-checks it after an update.
/// </summary>
[Collection("netpol")]
public sealed class AdminNetworkPolicyMatrixTests(NetpolCluster netpol) : IAsyncLifetime
{
    readonly MatrixProbe _probe = new(netpol);
    static readonly string[] Pods = Reachability.Pods;
    ClusterFixture Cluster => netpol.Cluster;

    public Task InitializeAsync() => netpol.NoPolicyProgrammedAsync();

    public async Task DisposeAsync()
    {
        await Cluster.KubectlAsync("delete", "adminnetworkpolicies", "--all");
        await Cluster.KubectlAsync("delete", "baselineadminnetworkpolicies", "--all");
        foreach (var ns in Reachability.Namespaces) await Cluster.KubectlAsync("delete", "networkpolicy", "--all", "-n", netpol.Ns(ns));
        await netpol.NoPolicyProgrammedAsync();
    }

    async Task ApplyAsync(string yaml, string? ns = null)
    {
        var r = ns is null ? await Cluster.KubectlStdinAsync(yaml, "apply", "-f", "-") : await Cluster.KubectlStdinAsync(yaml, "apply", "-n", netpol.Ns(ns), "-f", "-");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    async Task PatchAsync(string kind, string name, string jsonPatch)
    {
        var r = await Cluster.KubectlAsync("patch", kind, name, "--type=json", "-p", jsonPatch);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    static bool In(string pod, string ns) => pod.StartsWith(ns + "/", StringComparison.Ordinal);

    const string DenyIngressX = "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny-ingress}, spec: {podSelector: {}, policyTypes: [Ingress]}}";

    /// <summary>standard-ingress-tcp-rules: the first matching rule decides, an Allow beats a NetworkPolicy's default
    /// deny, a Deny at one port leaves the others to the NetworkPolicy, and Pass hands the decision back to it.</summary>
    [Fact]
    public async Task AnpIngressRules_FirstMatchDecides_AllowOverridesNetworkPolicy_PassDefersToIt()
    {
        await ApplyAsync(DenyIngressX, "x");
        await ApplyAsync("""
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: ingress-tcp}
            spec:
              priority: 3
              subject: {namespaces: {matchLabels: {ns: x}}}
              ingress:
                - {name: allow-from-y-everything, action: Allow, from: [{namespaces: {matchLabels: {ns: "y"}}}]}
                - {name: deny-from-y-everything, action: Deny, from: [{namespaces: {matchLabels: {ns: "y"}}}]}
                - name: allow-from-z-at-port-80
                  action: Allow
                  from: [{namespaces: {matchLabels: {ns: z}}}]
                  ports: [{portNumber: {protocol: TCP, port: 80}}]
                - {name: deny-from-z-everything-else, action: Deny, from: [{namespaces: {matchLabels: {ns: z}}}]}
            """);
        // x's own Pods: no ANP rule matches, the NetworkPolicy denies.
        var port80 = new Reachability(true);
        foreach (var to in Pods.Where(p => In(p, "x"))) port80.ExpectIngressFrom(to, from => !In(from, "x"));
        await _probe.ExpectAsync(port80, 80, "tcp");
        var port81 = new Reachability(true);
        foreach (var to in Pods.Where(p => In(p, "x"))) port81.ExpectIngressFrom(to, from => In(from, "y"));
        await _probe.ExpectAsync(port81, 81, "tcp");

        // Rule 0 becomes Pass: y's traffic goes to the NetworkPolicy, which denies it.
        await PatchAsync("adminnetworkpolicy", "ingress-tcp", """[{"op":"replace","path":"/spec/ingress/0/action","value":"Pass"}]""");
        port80 = new Reachability(true);
        foreach (var to in Pods.Where(p => In(p, "x"))) port80.ExpectIngressFrom(to, from => In(from, "z"));
        await _probe.ExpectAsync(port80, 80, "tcp");
    }

    /// <summary>standard-priority-field and standard-egress-inline-cidr-rules: of two ANPs selecting the same Pods
    /// the lower priority number wins, whatever the creation order; a `networks` peer matches by address.</summary>
    [Fact]
    public async Task AnpEgress_LowerPriorityNumberWins_NetworksPeerByAddress()
    {
        await ApplyAsync("""
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: deny-y-and-z}
            spec:
              priority: 60
              subject: {namespaces: {matchLabels: {ns: x}}}
              egress:
                - {name: deny-to-y-and-z, action: Deny, to: [{namespaces: {matchExpressions: [{key: ns, operator: In, values: ["y", z]}]}}]}
            ---
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: allow-y}
            spec:
              priority: 50
              subject: {pods: {namespaceSelector: {matchLabels: {ns: x}}, podSelector: {}}}
              egress:
                - {name: allow-to-y, action: Allow, to: [{namespaces: {matchLabels: {ns: "y"}}}]}
                - {name: deny-to-y-a, action: Deny, to: [{networks: ["Y_A/32"]}]}
            """.Replace("Y_A", netpol.Ips["y/a"]));
        var expected = new Reachability(true);
        foreach (var from in Pods.Where(p => In(p, "x"))) foreach (var to in Pods.Where(p => In(p, "z"))) expected.Expect(from, to, false);
        await _probe.ExpectAsync(expected, 80, "tcp");

        // allow-y now comes after deny-y-and-z: y is denied too (rule 1 of allow-y is never reached for y/a anyway).
        await PatchAsync("adminnetworkpolicy", "allow-y", """[{"op":"replace","path":"/spec/priority","value":70}]""");
        foreach (var from in Pods.Where(p => In(p, "x"))) foreach (var to in Pods.Where(p => In(p, "y"))) expected.Expect(from, to, false);
        await _probe.ExpectAsync(expected, 80, "tcp");

        // The networks rule alone: allow-y's Allow rule removed, its Deny to y/a's address is the first match.
        await PatchAsync("adminnetworkpolicy", "allow-y", """[{"op":"remove","path":"/spec/egress/0"},{"op":"replace","path":"/spec/priority","value":40}]""");
        await Cluster.KubectlAsync("delete", "adminnetworkpolicy", "deny-y-and-z");
        expected = new Reachability(true);
        foreach (var from in Pods.Where(p => In(p, "x"))) expected.Expect(from, "y/a", false);
        await _probe.ExpectAsync(expected, 80, "udp");
    }

    /// <summary>standard-anp-np-banp (AdminNetworkPolicyIntegration): the baseline denies y -> x and x -> y, but only
    /// for Pods no NetworkPolicy isolates in that direction; an ANP Deny comes first, and its Pass reaches the
    /// NetworkPolicy and then the baseline.</summary>
    [Fact]
    public async Task Baseline_OnlyWhereNoNetworkPolicyIsolates_AnpDenyAndPassAroundIt()
    {
        await ApplyAsync("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-from-y-to-a}
            spec:
              podSelector: {matchLabels: {pod: a}}
              policyTypes: [Ingress]
              ingress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]
            """, "x");
        await ApplyAsync("""
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: BaselineAdminNetworkPolicy
            metadata: {name: default}
            spec:
              subject: {namespaces: {matchLabels: {ns: x}}}
              ingress: [{name: deny-all-ingress-from-y, action: Deny, from: [{namespaces: {matchLabels: {ns: "y"}}}]}]
              egress: [{name: deny-all-egress-to-y, action: Deny, to: [{namespaces: {matchLabels: {ns: "y"}}}]}]
            """);
        // x/a: its NetworkPolicy admits only y; x/b, x/c: the baseline denies y; x -> y: the baseline denies egress.
        var baseline = new Reachability(true).ExpectIngressFrom("x/a", from => In(from, "y"));
        foreach (var to in new[] { "x/b", "x/c" }) foreach (var from in Pods.Where(p => In(p, "y"))) baseline.Expect(from, to, false);
        foreach (var from in Pods.Where(p => In(p, "x"))) foreach (var to in Pods.Where(p => In(p, "y"))) baseline.Expect(from, to, false);
        await _probe.ExpectAsync(baseline, 80, "tcp");

        await ApplyAsync("""
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: pass-example}
            spec:
              priority: 10
              subject: {namespaces: {matchLabels: {ns: x}}}
              ingress: [{name: deny-all-ingress-from-y, action: Deny, from: [{namespaces: {matchLabels: {ns: "y"}}}]}]
            """);
        // The ANP denies y first; x/a's NetworkPolicy admits only y, so nothing reaches x/a now.
        var denied = new Reachability(true).ExpectAllIngress("x/a", false);
        foreach (var from in Pods.Where(p => In(p, "y"))) foreach (var to in Pods.Where(p => In(p, "x"))) denied.Expect(from, to, false);
        foreach (var from in Pods.Where(p => In(p, "x"))) foreach (var to in Pods.Where(p => In(p, "y"))) denied.Expect(from, to, false);
        await _probe.ExpectAsync(denied, 80, "tcp");

        await PatchAsync("adminnetworkpolicy", "pass-example", """[{"op":"replace","path":"/spec/ingress/0/action","value":"Pass"}]""");
        await _probe.ExpectAsync(baseline, 80, "tcp");
    }

    /// <summary>The kinds as kubectl users see them: listed with upstream's printer columns, a bad one refused with
    /// its field path, and a denied flow in the agent's log naming the ANP rule.</summary>
    [Fact]
    public async Task Kubectl_ListsRefusesAndLogs()
    {
        var invalid = await Cluster.KubectlStdinAsync("""
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: bad}
            spec: {priority: 1001, subject: {namespaces: {}}, ingress: [{action: Reject, from: [{namespaces: {}}]}]}
            """, "apply", "-f", "-");
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("spec.priority: Invalid value: 1001", invalid.Stderr);
        Assert.Contains("spec.ingress[0].action: Unsupported value: \"Reject\"", invalid.Stderr);
        var banp = await Cluster.KubectlStdinAsync("{apiVersion: policy.networking.k8s.io/v1alpha1, kind: BaselineAdminNetworkPolicy, metadata: {name: other}, spec: {subject: {namespaces: {}}}}", "apply", "-f", "-");
        Assert.Contains("Only one baseline admin network policy with metadata.name=\"default\"", banp.Stderr);

        await ApplyAsync("""
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata: {name: deny-z-to-x}
            spec:
              priority: 7
              subject: {pods: {namespaceSelector: {matchLabels: {ns: x}}, podSelector: {matchLabels: {pod: c}}}}
              ingress: [{name: no-z, action: Deny, from: [{namespaces: {matchLabels: {ns: z}}}], ports: [{portRange: {start: 81, end: 90}}]}]
            """);
        var list = await Cluster.KubectlAsync("get", "anp");
        Assert.Matches(@"NAME\s+PRIORITY\s+AGE\ndeny-z-to-x\s+7\s+\d+s", list.Stdout);

        var (from, to) = (netpol.Ips["z/b"], netpol.Ips["x/c"]);
        await Eventually.ValueAsync(() => Cluster.KubectlAsync("exec", "-n", netpol.Ns("z"), "b", "--", "/agnhost", "connect", $"{to}:81", "--timeout=1s"),
            r => r.ExitCode != 0 && r.Stderr.Contains("TIMEOUT"), "z/b -> x/c:81 dropped", 60);
        var log = Path.Combine(Cluster.DataDir, "logs", $"agent-{Cluster.Name}-control-plane.log");
        await Eventually.ValueAsync(async () => File.Exists(log) ? await File.ReadAllTextAsync(log) : "",
            text => text.Contains($"policy: dropped tcp {from} -> {to}:81 (ingress of {to}, denied by AdminNetworkPolicy deny-z-to-x ingress rule 0 \"no-z\")"), "the drop in the agent's log", 30);
        var metrics = await Processes.RunAsync("ip", ["netns", "exec", $"podway-{Cluster.Name}-n0", "curl", "-s", "--max-time", "5", "http://127.0.0.1:10249/metrics"]);
        Assert.Matches("""podway_adminnetworkpolicy_rule_packets_total\{kind="AdminNetworkPolicy",policy="deny-z-to-x",direction="ingress",rule="0",name="no-z",action="Deny"\} [1-9]""", metrics.Stdout);
    }
}
