using System.Diagnostics;
using System.Text.Json.Nodes;
using Podway.Proxy;

namespace Podway.Trace;

/// <summary>Reads nftables objects as JSON (`nft -j list ...`) inside a node's network namespace: the kernel's view.</summary>
internal static class NftReader
{
    /// <summary>`nft -j list table ip TABLE` in <paramref name="netns"/>; null when the table does not exist. nft runs
    /// from a thread inside the namespace (a child inherits its thread's namespaces), not through `ip netns exec`.</summary>
    public static JsonArray? ListTable(string netns, string table) => NetnsThread.Run(netns, () =>
    {
        var psi = new ProcessStartInfo("nft") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-j", "list", "table", "ip", table }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            if (stderr.Contains("No such file or directory")) return null;
            throw new IOException($"nft list table {table} in {netns}: {stderr.Trim()}");
        }
        return JsonNode.Parse(stdout.Result)?["nftables"] as JsonArray;
    });
}
