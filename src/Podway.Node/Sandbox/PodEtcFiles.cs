using System.Net;
using System.Text;

namespace Podway.Node.Sandbox;

/// <summary>The per-Pod /etc/hosts, /etc/hostname and /etc/resolv.conf, written as the kubelet writes them.</summary>
internal static class PodEtcFiles
{
    /// <summary>The kubelet's managed hosts file (pkg/kubelet/kubelet_pods.go managedHostsFileContent).</summary>
    public static string Hosts(IPAddress podIp, string hostname, string? subdomain, string ns, string clusterDomain,
        IReadOnlyList<(string Ip, IReadOnlyList<string> Hostnames)> hostAliases)
    {
        var b = new StringBuilder();
        b.Append("# Kubernetes-managed hosts file.\n");
        b.Append("127.0.0.1\tlocalhost\n");
        b.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        b.Append("fe00::0\tip6-localnet\n");
        b.Append("fe00::0\tip6-mcastprefix\n");
        b.Append("fe00::1\tip6-allnodes\n");
        b.Append("fe00::2\tip6-allrouters\n");
        if (!string.IsNullOrEmpty(subdomain))
            b.Append($"{podIp}\t{hostname}.{subdomain}.{ns}.svc.{clusterDomain}\t{hostname}\n");
        else
            b.Append($"{podIp}\t{hostname}\n");
        if (hostAliases.Count > 0)
        {
            b.Append("\n# Entries added by HostAliases.\n");
            foreach (var (ip, names) in hostAliases)
                foreach (var name in names) b.Append($"{ip}\t{name}\n");
        }
        return b.ToString();
    }

    public static void Write(string etcDir, string hosts, string hostname, string resolvConf)
    {
        Directory.CreateDirectory(etcDir);
        File.WriteAllText(Path.Combine(etcDir, "hosts"), hosts);
        File.WriteAllText(Path.Combine(etcDir, "hostname"), hostname + "\n");
        File.WriteAllText(Path.Combine(etcDir, "resolv.conf"), resolvConf);
    }
}
