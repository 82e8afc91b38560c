using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Podway.Node.Sandbox;

/// <summary>
/// A Pod's /etc/resolv.conf from spec.dnsPolicy and spec.dnsConfig, as the kubelet forms it
/// (pkg/kubelet/network/dns/dns.go GetPodDNS) and containerd writes it (search, nameserver, options lines).
/// </summary>
public static class PodDns
{
    public const int MaxNameservers = 3;
    public const int MaxSearchPaths = 32;
    public const int MaxSearchListChars = 2048;
    const int MaxSearchPathLength = 253;
    static readonly string[] DefaultOptions = ["ndots:5"];

    /// <param name="nodeResolver">
    /// The node's resolver (the host DNS relay on the cluster bridge), which replaces the host file's nameservers
    /// where a Pod would copy them: those are often loopback stubs (127.0.0.53), or addresses a cluster packet must
    /// not be sent to, while the relay asks them from the host. kind's node resolv.conf points at Docker's DNS alike.
    /// Null: the host's nameservers as they are.
    /// </param>
    public static string ResolvConf(JsonObject podSpec, string ns, IPAddress clusterDns, string clusterDomain, string hostResolvConf,
        IPAddress? nodeResolver = null)
    {
        var (hostServers, hostSearches, hostOptions) = Parse(hostResolvConf);
        if (nodeResolver is not null) hostServers = [nodeResolver.ToString()];
        List<string> servers, searches, options;
        var hostNetwork = podSpec["hostNetwork"]?.GetValue<bool>() == true;
        switch (podSpec["dnsPolicy"]?.GetValue<string>() ?? "ClusterFirst")
        {
            case "None":
                (servers, searches, options) = ([], [], []);
                break;
            case "Default":
            case "ClusterFirst" when hostNetwork:
                (servers, searches, options) = (hostServers, hostSearches, hostOptions);
                break;
            default: // ClusterFirst, ClusterFirstWithHostNet
                servers = [clusterDns.ToString()];
                searches = Distinct([$"{ns}.svc.{clusterDomain}", $"svc.{clusterDomain}", clusterDomain, .. hostSearches]);
                options = [.. DefaultOptions];
                break;
        }

        if (podSpec["dnsConfig"] is JsonObject dnsConfig)
        {
            servers = Distinct([.. servers, .. Strings(dnsConfig["nameservers"])]);
            searches = Distinct([.. searches, .. Strings(dnsConfig["searches"])]);
            options = MergeOptions(options, dnsConfig["options"] as JsonArray ?? []);
        }
        return Format(servers.Take(MaxNameservers).ToList(), FitSearches(searches), options);
    }

    /// <summary>nameserver lines accumulate; the last search (or domain) line and the last options line win.</summary>
    internal static (List<string> Servers, List<string> Searches, List<string> Options) Parse(string resolvConf)
    {
        List<string> servers = [], searches = [], options = [];
        foreach (var raw in resolvConf.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.StartsWith(';')) continue;
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0) continue;
            switch (f[0])
            {
                case "nameserver" when f.Length >= 2: servers.Add(f[1]); break;
                case "search": searches = f[1..].Select(s => s.TrimEnd('.')).ToList(); break;
                case "options": options = f[1..].ToList(); break;
            }
        }
        return (servers, searches, options);
    }

    /// <summary>Options given by dnsConfig override existing ones of the same name (kept in first-seen order).</summary>
    static List<string> MergeOptions(List<string> existing, JsonArray podOptions)
    {
        var merged = new List<(string Name, string Value)>();
        void Set(string name, string value)
        {
            var i = merged.FindIndex(o => o.Name == name);
            if (i >= 0) merged[i] = (name, value); else merged.Add((name, value));
        }
        foreach (var op in existing)
        {
            var colon = op.IndexOf(':');
            if (colon >= 0) Set(op[..colon], op[(colon + 1)..]); else Set(op, "");
        }
        foreach (var op in podOptions.OfType<JsonObject>())
            Set(op["name"]?.GetValue<string>() ?? "", op["value"]?.GetValue<string>() ?? "");
        return merged.Select(o => o.Value == "" ? o.Name : $"{o.Name}:{o.Value}").ToList();
    }

    /// <summary>At most 32 paths, none over 253 characters, the line at most 2048 characters (cut from the end).</summary>
    static List<string> FitSearches(List<string> searches)
    {
        var fit = searches.Take(MaxSearchPaths).Where(s => s.Length <= MaxSearchPathLength).ToList();
        while (fit.Count > 0 && string.Join(' ', fit).Length > MaxSearchListChars) fit.RemoveAt(fit.Count - 1);
        return fit;
    }

    static string Format(List<string> servers, List<string> searches, List<string> options)
    {
        var b = new StringBuilder();
        if (searches.Count > 0) b.Append("search ").Append(string.Join(' ', searches)).Append('\n');
        foreach (var s in servers) b.Append("nameserver ").Append(s).Append('\n');
        if (options.Count > 0) b.Append("options ").Append(string.Join(' ', options)).Append('\n');
        return b.ToString();
    }

    static IEnumerable<string> Strings(JsonNode? array) =>
        (array as JsonArray ?? []).Select(n => n?.GetValue<string>()).OfType<string>();

    static List<string> Distinct(IEnumerable<string> items) => items.Distinct(StringComparer.Ordinal).ToList();
}
