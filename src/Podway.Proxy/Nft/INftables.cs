namespace Podway.Proxy.Nft;

/// <summary>Runs transactions atomically: all of a transaction applies, or none of it and the call throws.</summary>
public interface INftables
{
    Task RunAsync(NftTransaction tx, CancellationToken ct = default);

    /// <summary>`nft -a list chain FAMILY TABLE CHAIN`: the chain's rules, each ending in "# handle N"; null when
    /// the chain does not exist or this nftables cannot list. (nft reads only that chain: cheap, unlike `nft -e`,
    /// which makes nft read the whole ruleset.)</summary>
    Task<string?> ListChainWithHandlesAsync(string family, string table, string chain, CancellationToken ct = default) =>
        Task.FromResult<string?>(null);
}

/// <summary>nft rejected a transaction (nothing of it applied).</summary>
public sealed class NftException(string message) : Exception(message);
