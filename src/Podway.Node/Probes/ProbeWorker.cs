using System.Text.Json.Nodes;

namespace Podway.Node.Probes;

/// <summary>
/// Probes one container periodically (pkg/kubelet/prober/worker.go): waits initialDelaySeconds after the
/// container started, then every periodSeconds; the result flips to success after successThreshold consecutive
/// successes and to failure after failureThreshold consecutive failures. Liveness and readiness wait until
/// the startup probe (if any) has succeeded. Each failed attempt is reported (for "Unhealthy" events); each
/// change of the result too.
/// </summary>
internal sealed class ProbeWorker
{
    readonly JsonObject _probe;
    readonly ProbeTarget _target;
    readonly Func<bool> _gate;
    readonly Action<ProbeKind, ProbeOutcome> _onFailure;
    readonly Action<ProbeKind, bool> _onChange;
    int _successes, _failures;

    public ProbeWorker(ProbeKind kind, JsonObject probe, ProbeTarget target, Func<bool> gate,
        Action<ProbeKind, ProbeOutcome> onFailure, Action<ProbeKind, bool> onChange)
    {
        Kind = kind;
        _probe = probe;
        _target = target;
        _gate = gate;
        _onFailure = onFailure;
        _onChange = onChange;
        // Before any probe ran: a container is not ready, is alive, and has not started.
        Result = kind == ProbeKind.Liveness;
    }

    public ProbeKind Kind { get; }
    public bool Result { get; private set; }

    public async Task RunAsync(DateTime containerStarted, CancellationToken ct)
    {
        var initialDelay = TimeSpan.FromSeconds(_probe["initialDelaySeconds"]?.GetValue<int>() ?? 0);
        var period = TimeSpan.FromSeconds(Math.Max(1, _probe["periodSeconds"]?.GetValue<int>() ?? 10));
        var successThreshold = Math.Max(1, _probe["successThreshold"]?.GetValue<int>() ?? 1);
        var failureThreshold = Math.Max(1, _probe["failureThreshold"]?.GetValue<int>() ?? 3);
        try
        {
            var wait = containerStarted + initialDelay - DateTime.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            while (!ct.IsCancellationRequested)
            {
                if (_gate())
                {
                    var outcome = await ProbeRunner.RunAsync(_probe, _target, ct);
                    if (outcome.Success) { _successes++; _failures = 0; }
                    else { _failures++; _successes = 0; _onFailure(Kind, outcome); }
                    if (outcome.Success && _successes >= successThreshold && !Result)
                    {
                        Result = true;
                        _onChange(Kind, true);
                        if (Kind == ProbeKind.Startup) return; // a startup probe stops once it succeeded
                    }
                    else if (!outcome.Success && _failures >= failureThreshold)
                    {
                        var changed = Result || Kind == ProbeKind.Startup;
                        Result = false;
                        if (changed) _onChange(Kind, false);
                        // A failed liveness or startup probe ends with the container (it is killed and restarted).
                        if (Kind != ProbeKind.Readiness) return;
                    }
                }
                await Task.Delay(period, ct);
            }
        }
        catch (OperationCanceledException) { }
    }
}
