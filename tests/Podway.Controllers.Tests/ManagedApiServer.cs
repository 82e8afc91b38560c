using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests;

/// <summary>
/// The real API server with a ControllerManager running against it: what every controller fixture starts. The manager
/// can be stopped and started again on the same store, as a restarted control plane would be.
/// </summary>
public sealed class ManagedApiServer : IAsyncDisposable
{
    readonly RealApiServer _server = new();
    readonly ControllerManagerOptions _options;
    CancellationTokenSource? _stop;
    Task? _manager;

    ManagedApiServer(ControllerManagerOptions options) => _options = options;

    public ApiClient Client => _server.Client;

    public static async Task<ManagedApiServer> StartAsync(ControllerManagerOptions options)
    {
        var cluster = new ManagedApiServer(options);
        await cluster._server.InitializeAsync();
        await cluster.StartManagerAsync();
        return cluster;
    }

    /// <summary>Starts the manager and waits until its informers have synced.</summary>
    public async Task StartManagerAsync()
    {
        _stop = new CancellationTokenSource();
        var manager = new ControllerManager(Client, _options);
        _manager = manager.RunAsync(_stop.Token);
        await manager.Ready.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task StopManagerAsync()
    {
        _stop?.Cancel();
        if (_manager is not null) await _manager.WaitAsync(TimeSpan.FromSeconds(30));
        _manager = null;
    }

    /// <summary>A namespace of the test's own, named with the given prefix and a random suffix.</summary>
    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..8];
        await Client.CreateAsync(BuiltinResources.Namespace, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        await StopManagerAsync();
        await _server.DisposeAsync();
    }
}
