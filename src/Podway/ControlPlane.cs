using System.Security.Cryptography;
using Podway.ApiServer;
using Podway.Client;
using Podway.Controllers;
using Podway.Storage;

namespace Podway;

/// <summary>
/// Runs one cluster's control plane in this process, in k3s's order: the store, then the API server, then the
/// controllers, which reach the API over HTTPS like any other client (they never read the store).
/// </summary>
public static class ControlPlane
{
    /// <summary>Calls onReady once the API answers /readyz and the controllers' caches are synced; returns when ct is cancelled and everything has stopped.</summary>
    public static async Task RunAsync(ApiServerOptions options, Action onReady, CancellationToken ct)
    {
        Directory.CreateDirectory(options.DataDir);
        // The controllers get a credential of their own for this run, as kube-controller-manager has its own identity.
        var controllerToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        options = options with { Tokens = new HashSet<string>(options.Tokens) { controllerToken } };

        await using var store = await SqliteObjectStore.OpenAsync(Path.Combine(options.DataDir, "store.db"), new StoreOptions());
        await using var api = await ApiServerHost.StartAsync(options, store, ct);

        using var client = new ApiClient(api.Url, controllerToken, options.CertificateAuthority);
        var controllers = new ControllerManager(client, new ControllerManagerOptions
        {
            Log = message => Console.Error.WriteLine(message),
            RootCaPem = options.CertificateAuthority is { } ca ? ca.ExportCertificatePem() + "\n" : null,
        });
        var running = controllers.RunAsync(ct);
        await Task.WhenAny(controllers.Ready, running);
        onReady();
        await running;
    }
}
