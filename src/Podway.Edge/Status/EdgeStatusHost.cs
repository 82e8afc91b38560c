using Podway.Client;
using Podway.Edge.Routing;

namespace Podway.Edge.Status;

/// <summary>
/// The control-plane side of the edge, run once per cluster (not in the edge Pods, so two replicas never race):
/// Ingress status addresses and the `Sync` event (<see cref="IngressStatusController"/>), and Warning events for the
/// routing problems of its own <see cref="EdgeConfigFeed"/> (<see cref="IngressProblemEvents"/>), and the Gateway API
/// controller's Services and status (<see cref="GatewayStatusController"/>). RunAsync returns
/// when ct is cancelled.
/// </summary>
public static class EdgeStatusHost
{
    /// <summary>How often the feed's problems are sampled; a problem must show in two samples in a row to become an
    /// Event, so the moment between `kubectl apply` creating an Ingress and its Service raises nothing.</summary>
    static readonly TimeSpan ProblemSample = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(ApiClient client, Action<string>? log, CancellationToken ct)
    {
        var informers = new SharedInformerFactory(client, log: log);
        var events = new EventRecorder(client, IngressStatusController.Component, log: log);
        var status = new IngressStatusController(informers, events, log);
        var feed = new EdgeConfigFeed(informers, DefaultCertificate.Create(), log: log);
        var problems = new IngressProblemEvents(informers.For(Podway.Api.Resources.BuiltinResources.Ingress).Cache, events);
        var gateways = new GatewayStatusController(informers, feed, log);
        informers.Start(ct);
        try { await Task.WhenAll(status.RunAsync(ct), feed.RunAsync(ct), PublishProblemsAsync(feed, problems, ct), gateways.RunAsync(ct)); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await informers.WhenStopped();
    }

    static async Task PublishProblemsAsync(EdgeConfigFeed feed, IngressProblemEvents problems, CancellationToken ct)
    {
        await feed.Synced.WaitAsync(ct);
        IReadOnlySet<IngressProblem> previous = new HashSet<IngressProblem>();
        while (!ct.IsCancellationRequested)
        {
            var current = feed.Current.Problems.ToHashSet();
            await problems.PublishAsync([.. current.Where(previous.Contains)], ct);
            previous = current;
            await Task.Delay(ProblemSample, ct);
        }
    }
}
