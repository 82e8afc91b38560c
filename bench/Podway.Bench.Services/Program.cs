using Podway.Bench.Api;
using Podway.Bench.Services;

// Service benchmarks on a running cluster (bench/services.sh starts a throwaway one):
//  1. Network programming latency: Pod Ready -> first HTTP answer through its ClusterIP, p50/p99 over N Pods, beside
//     the proxy's own kubeproxy_network_programming_duration_seconds and the Kubernetes SLI wording.
//  2. ClusterIP versus direct Pod IP, same nginx backend: wrk requests/s and p50/p99 latency, and the ratio.
// `poll` is the internal probe mode this program re-runs itself in inside a network namespace.
if (args is ["poll"]) return await ReachabilityPoller.RunAsync();
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Podway.Bench.Services <kubeconfig> <cluster-name> [pods=100 (0 skips)] [wrk-seconds=10 (0 skips)] [--probe-from-node]");
    return 2;
}
var config = Kubeconfig.Load(args[0]);
var cluster = args[1];
var positional = args.Skip(2).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var pods = positional.Length > 0 ? int.Parse(positional[0]) : 100;
var wrkSeconds = positional.Length > 1 ? int.Parse(positional[1]) : 10;
using var http = config.CreateClient();
var api = new ClusterApi(http);
await api.NodeIpAsync(); // waits for the node to register

if (pods > 0) await new ProgrammingLatency(api, cluster).RunAsync(pods, fromNode: args.Contains("--probe-from-node"));
if (wrkSeconds > 0) await new ClusterIpThroughput(api, cluster).RunAsync(wrkSeconds);
return 0;
