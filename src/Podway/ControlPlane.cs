using Podway.ApiServer;

namespace Podway;

/// <summary>Runs one cluster's control plane (store, API server, controllers) in this process until cancelled.</summary>
public static class ControlPlane
{
    /// <summary>Calls onReady once the API answers /readyz; returns when ct is cancelled and everything has stopped.</summary>
    public static Task RunAsync(ApiServerOptions options, Action onReady, CancellationToken ct) =>
        throw new NotImplementedException("control plane composition lands with the API server");
}
