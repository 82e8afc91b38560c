using Podway.Client;

namespace Podway.Edge.Status;

/// <summary>
/// The control-plane side of the edge, run once per cluster (not in the edge Pods, so two replicas never race):
/// Ingress status addresses, the `Sync` event, and Warning events for the routing problems. RunAsync returns when ct
/// is cancelled.
/// </summary>
public static class EdgeStatusHost
{
    public static async Task RunAsync(ApiClient client, Action<string>? log, CancellationToken ct)
    {
        var informers = new SharedInformerFactory(client, log: log);
        var events = new EventRecorder(client, IngressStatusController.Component, log: log);
        var status = new IngressStatusController(informers, events, log);
        informers.Start(ct);
        try { await status.RunAsync(ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await informers.WhenStopped();
    }
}
