using System.Text;
using System.Text.Json.Nodes;

namespace Podway.Node.Kubelet;

/// <summary>
/// The Pod's /etc/resolv.conf for its dnsPolicy, as the kubelet's dns configurer builds it: ClusterFirst points
/// at the cluster DNS with "&lt;ns&gt;.svc.&lt;domain&gt; svc.&lt;domain&gt; &lt;domain&gt;" searches (then the host's) and ndots:5;
/// Default copies the host's; None uses only spec.dnsConfig, which the other policies merge in as well.
/// (Kept internal to the kubelet until the sandbox package's PodDns lands on main.)
/// </summary>
internal static class PodDnsConfig
{
    public static string ResolvConf(JsonObject pod, NodeIdentity node, string hostResolvConf)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        var ns = pod["metadata"]?["namespace"]?.GetValue<string>() ?? "default";
        var policy = spec["dnsPolicy"]?.GetValue<string>() ?? "ClusterFirst";
        var hostNetwork = spec["hostNetwork"]?.GetValue<bool>() == true;
        var (hostServers, hostSearches, hostOptions) = Parse(hostResolvConf);
        List<string> servers = [], searches = [], options = [];
        switch (policy)
        {
            case "None":
                break;
            case "Default":
            case "ClusterFirst" when hostNetwork:
                servers.AddRange(hostServers); searches.AddRange(hostSearches); options.AddRange(hostOptions);
                break;
            default: // ClusterFirst, ClusterFirstWithHostNet
                servers.Add(node.ClusterDns.ToString());
                var d = node.ClusterDomain;
                searches.AddRange([$"{ns}.svc.{d}", $"svc.{d}", d, .. hostSearches]);
                options.Add("ndots:5");
                break;
        }
        if (spec["dnsConfig"] is JsonObject config)
        {
            foreach (var s in Strings(config["nameservers"])) if (!servers.Contains(s)) servers.Add(s);
            foreach (var s in Strings(config["searches"])) if (!searches.Contains(s)) searches.Add(s);
            foreach (var o in (config["options"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var name = o["name"]?.GetValue<string>() ?? "";
                options.RemoveAll(x => x == name || x.StartsWith(name + ":", StringComparison.Ordinal));
                options.Add(o["value"]?.GetValue<string>() is { } v ? $"{name}:{v}" : name);
            }
        }
        var sb = new StringBuilder();
        if (searches.Count > 0) sb.Append("search ").AppendJoin(' ', searches.Distinct().Take(32)).Append('\n');
        foreach (var s in servers.Take(3)) sb.Append("nameserver ").Append(s).Append('\n');
        if (options.Count > 0) sb.Append("options ").AppendJoin(' ', options).Append('\n');
        return sb.ToString();
    }

    static IEnumerable<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n?.GetValue<string>()).OfType<string>();

    static (List<string> Servers, List<string> Searches, List<string> Options) Parse(string text)
    {
        List<string> servers = [], searches = [], options = [];
        foreach (var raw in text.Split('\n'))
        {
            var f = raw.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || f[0].StartsWith('#')) continue;
            switch (f[0])
            {
                case "nameserver": servers.Add(f[1]); break;
                case "search": case "domain": searches.Clear(); searches.AddRange(f[1..]); break;
                case "options": options.AddRange(f[1..]); break;
            }
        }
        return (servers, searches, options);
    }
}
