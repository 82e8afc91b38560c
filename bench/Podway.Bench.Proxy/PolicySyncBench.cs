using System.Diagnostics;
using System.Text.Json.Nodes;
using Podway.Proxy.Nft;
using Podway.Proxy.Policy;

/// <summary>
/// The cost of NetworkPolicy updates at scale, without a cluster: P policies over N Pods (synthetic views: 50
/// namespaces, Pods with app/role labels and a named port; policies selecting by app, admitting a role from a
/// team's namespaces on a named and a numbered port, every fourth also with an egress ipBlock), compiled and synced
/// with the REAL nft into a scratch network namespace (podway-NAME-bench, deleted afterwards). Prints each step
/// with 0 policies and with P policies, same Pods: compile time, nft wall and CPU time, operations, script bytes.
/// </summary>
internal static class PolicySyncBench
{
    sealed record Step(string Name, TimeSpan Compile, TimeSpan Nft, TimeSpan Cpu, int Operations, int Bytes, TimeSpan List);

    public static async Task RunAsync(int policies, int pods)
    {
        var nftVersion = Process("nft", "--version").Trim();
        Console.WriteLine($"podway NetworkPolicy sync benchmark: {policies} policies x {pods} Pods (synthetic views, no cluster), real {nftVersion}");
        var without = await MeasureAsync(0, pods);
        var with = await MeasureAsync(policies, pods);
        Console.WriteLine("  (compile: the pure compiler; nft: the transaction's wall and CPU time; list: reading the new dispatch rules' handles back)");
        Console.WriteLine($"  {"step",-30} | {"0 policies: compile",19} {"nft",8} {"nft cpu",8} {"ops",6} {"KiB",8} {"list",8} | {policies + " policies: compile",19} {"nft",8} {"nft cpu",8} {"ops",6} {"KiB",8} {"list",8}");
        for (var i = 0; i < with.Count; i++)
            Console.WriteLine($"  {with[i].Name,-30} | {Cells(without[i])} | {Cells(with[i])}");
    }

    static string Cells(Step s) =>
        $"{s.Compile.TotalMilliseconds,16:F1} ms {s.Nft.TotalMilliseconds,5:F1} ms {s.Cpu.TotalMilliseconds,5:F1} ms {s.Operations,6} {s.Bytes / 1024.0,8:F1} {s.List.TotalMilliseconds,5:F1} ms";

    static async Task<List<Step>> MeasureAsync(int policyCount, int podCount)
    {
        var cluster = "pp" + Guid.NewGuid().ToString("N")[..5];
        var netns = $"podway-{cluster}-bench";
        Process("ip", "netns", "add", netns);
        try
        {
            var nft = new CountingNftables(new RealNftables(netns));
            var syncer = new PolicySyncer(nft, PolicyNames.TableFor($"podway-{cluster}"));
            var namespaces = Enumerable.Range(0, 50).Select(i => Namespace(i, $"t{i % 5}")).ToList();
            var podList = Enumerable.Range(0, podCount).Select(i => Pod(i, $"r{i % 7}")).ToList();
            var policyList = Enumerable.Range(0, policyCount).Select(Policy).ToList();
            var steps = new List<Step>();

            async Task Sync(string name)
            {
                var sw = Stopwatch.StartNew();
                var ruleset = PolicyCompiler.Compile(policyList, podList, namespaces, ["10.244.0.1"]);
                var compile = sw.Elapsed;
                var (ops, _, _) = await syncer.SyncAsync(ruleset, default);
                steps.Add(ops == 0 ? new(name, compile, TimeSpan.Zero, TimeSpan.Zero, 0, 0, TimeSpan.Zero) : new(name, compile, nft.LastNft, nft.LastCpu, ops, nft.LastBytes, nft.LastList));
            }

            await Sync("full sync");
            podList[5] = Pod(5, "r-changed");
            await Sync("one Pod's label changed");
            namespaces[3] = Namespace(3, "t-changed");
            await Sync("one namespace's label changed");
            podList.Add(Pod(podCount, "r1"));
            await Sync("one Pod added");
            policyList.Add(Policy(policyCount));
            await Sync("one policy added");
            policyList.RemoveAt(policyList.Count - 1);
            await Sync("one policy deleted");
            return steps;
        }
        finally { Process("ip", "netns", "delete", netns); }
    }

    static NamespaceView Namespace(int i, string team) =>
        new($"ns{i}", new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = $"ns{i}", ["team"] = team });

    static PodView Pod(int i, string role) =>
        new($"ns{i % 50}", $"pod{i}", $"10.244.{((i + 2) >> 8) & 255}.{(i + 2) & 255}", new Dictionary<string, string> { ["app"] = $"a{i % 20}", ["role"] = role },
            [new NamedPort("http", "TCP", 8080)]);

    static PolicyView Policy(int j)
    {
        var egress = j % 4 == 0 ? ""","egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.244.0.0/16"]}}]}],"policyTypes":["Ingress","Egress"]""" : "";
        var json = """
            {"metadata":{"namespace":"NS","name":"NAME"},
             "spec":{"podSelector":{"matchLabels":{"app":"APP"}},
                     "ingress":[{"from":[{"podSelector":{"matchLabels":{"role":"ROLE"}},"namespaceSelector":{"matchLabels":{"team":"TEAM"}}}],
                                 "ports":[{"port":"http"},{"port":80}]}]EGRESS}}
            """.Replace("NS", $"ns{j % 50}").Replace("NAME", $"p{j}").Replace("APP", $"a{j % 20}").Replace("ROLE", $"r{j % 7}")
            .Replace("TEAM", $"t{j % 5}").Replace("EGRESS", egress);
        return PolicyView.From(JsonNode.Parse(json)!.AsObject());
    }

    static string Process(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return o;
    }
}
