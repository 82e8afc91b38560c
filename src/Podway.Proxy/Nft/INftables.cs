namespace Podway.Proxy.Nft;

/// <summary>Runs transactions atomically: all of a transaction applies, or none of it and the call throws.</summary>
public interface INftables
{
    Task RunAsync(NftTransaction tx, CancellationToken ct = default);
}

/// <summary>nft rejected a transaction (nothing of it applied).</summary>
public sealed class NftException(string message) : Exception(message);
