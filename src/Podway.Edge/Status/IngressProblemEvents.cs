using System.Text.Json.Nodes;
using Podway.Client;
using Podway.Edge.Routing;

namespace Podway.Edge.Status;

/// <summary>
/// Turns EdgeConfig.Problems into Warning Events on the Ingress (missing Service, missing or malformed Secret), as
/// ingress-nginx reports them on each sync. Each snapshot is compared with the one before: a problem is recorded
/// when it appears (again), not on every endpoint change, and a repeat bumps the Event's count (EventRecorder).
/// </summary>
internal sealed class IngressProblemEvents(InformerCache ingresses, EventRecorder events)
{
    HashSet<IngressProblem> _previous = [];
    readonly SemaphoreSlim _gate = new(1, 1);

    public async Task PublishAsync(IReadOnlyList<IngressProblem> problems, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var current = problems.ToHashSet();
            foreach (var problem in problems)
            {
                if (_previous.Contains(problem)) continue;
                if (ingresses.Get(problem.Ingress.Namespace, problem.Ingress.Name) is not JsonObject ingress) continue;
                await events.RecordAsync(ingress, EventRecorder.Warning, problem.Reason, problem.Message, ct);
            }
            _previous = current;
        }
        finally { _gate.Release(); }
    }
}
