namespace Podway.Proxy.Nft;

/// <summary>Runs transactions atomically: all of a transaction applies, or none of it and the call throws.</summary>
public interface INftables
{
    Task RunAsync(NftTransaction tx, CancellationToken ct = default);

    /// <summary>Runs the transaction and returns nft's echo of it with handles (`nft -e -a`): one line per added
    /// object, in order, e.g. "add rule ip t c ... # handle 5". Null when this nftables cannot echo.</summary>
    async Task<string?> RunEchoAsync(NftTransaction tx, CancellationToken ct = default)
    {
        await RunAsync(tx, ct);
        return null;
    }
}

/// <summary>nft rejected a transaction (nothing of it applied).</summary>
public sealed class NftException(string message) : Exception(message);
