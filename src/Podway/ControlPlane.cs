using Podway.ApiServer;
using Podway.Storage;

namespace Podway;

/// <summary>Runs one cluster's control plane (store, API server, controllers) in this process, in k3s's order: each part starts once the one before it is ready.</summary>
public static class ControlPlane
{
    /// <summary>Calls onReady once the API answers /readyz; returns when ct is cancelled and everything has stopped.</summary>
    public static async Task RunAsync(ApiServerOptions options, Action onReady, CancellationToken ct)
    {
        Directory.CreateDirectory(options.DataDir);
        await using var store = await SqliteObjectStore.OpenAsync(Path.Combine(options.DataDir, "store.db"), new StoreOptions());
        await using var api = await ApiServerHost.StartAsync(options, store, ct);
        onReady();
        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) { }
    }
}
