using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Podway.Trace;

/// <summary>Reads nftables objects as JSON (`nft -j list ...`) inside a node's network namespace: the kernel's view.</summary>
internal static class NftReader
{
    /// <summary>`nft -j list KIND ip TABLE NAME` in <paramref name="netns"/>; null when the object does not exist.</summary>
    public static JsonArray? List(string netns, string kind, string table, string name)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", netns, "nft", "-j", "list", kind, "ip", table, name }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            if (stderr.Contains("No such file or directory")) return null;
            throw new IOException($"nft list {kind} {table} {name} in {netns}: {stderr.Trim()}");
        }
        return JsonNode.Parse(stdout.Result)?["nftables"] as JsonArray;
    }
}
