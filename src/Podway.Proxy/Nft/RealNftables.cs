using System.Diagnostics;

namespace Podway.Proxy.Nft;

/// <summary>
/// The kernel, through `nft -f -` (one process per transaction, which nft applies as one netlink batch). With
/// <paramref name="netns"/> it runs inside that network namespace (`ip netns exec`), otherwise in the caller's.
/// </summary>
public sealed class RealNftables(string? netns = null) : INftables
{
    public async Task RunAsync(NftTransaction tx, CancellationToken ct = default)
    {
        if (tx.Error is not null) throw new NftException($"transaction not run: {tx.Error}");
        var (code, _, err) = await RunNftAsync(tx.Script, ct, "-f", "-");
        if (code != 0) throw new NftException($"nft -f - failed ({code}): {err.Trim()}");
    }

    public async Task<string?> ListChainWithHandlesAsync(string family, string table, string chain, CancellationToken ct = default)
    {
        var (code, output, _) = await RunNftAsync(null, ct, "-a", "list", "chain", family, table, chain);
        return code == 0 ? output : null;
    }

    /// <summary>`nft list table FAMILY TABLE` output, or null when the table does not exist.</summary>
    public async Task<string?> ListTableAsync(string family, string table, CancellationToken ct = default)
    {
        var (code, output, _) = await RunNftAsync(null, ct, "list", "table", family, table);
        return code == 0 ? output : null;
    }

    /// <summary>`nft -j ARGS` (a list command) as JSON text, or null when nft fails (e.g. the object does not exist).</summary>
    public async Task<string?> ListJsonAsync(CancellationToken ct, params string[] args)
    {
        var (code, output, _) = await RunNftAsync(null, ct, ["-j", .. args]);
        return code == 0 ? output : null;
    }

    async Task<(int Code, string Out, string Err)> RunNftAsync(string? stdin, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo(netns is null ? "nft" : "ip")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (netns is not null) foreach (var a in new[] { "netns", "exec", netns, "nft" }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new NftException("cannot start nft");
        var outTask = p.StandardOutput.ReadToEndAsync(ct);
        var errTask = p.StandardError.ReadToEndAsync(ct);
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin.AsMemory(), ct);
        p.StandardInput.Close();
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await outTask, await errTask);
    }
}
