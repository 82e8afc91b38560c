using System.Text.Json.Nodes;

namespace Podway.Node.Probes;

/// <summary>
/// Probes one container periodically (pkg/kubelet/prober/worker.go): waits initialDelaySeconds after the
/// container started, then every periodSeconds; the result flips to success after successThreshold consecutive
/// successes and to failure after failureThreshold consecutive failures. Liveness and readiness wait until
/// the startup probe (if any) has succeeded. Each failed attempt is reported (for "Unhealthy" events); each
/// change of the result too.
/// Podway starts containers in milliseconds, so the first readiness probe usually runs before the program listens;
/// the kubelet would then wait a whole period (10 s by default). Readiness and startup probes therefore retry a
/// failure quickly (50 ms doubling to 200 ms: a probe is one connect, and a program that starts in 0.3 s is then seen
/// Ready within 0.2 s of it) within their first period, without counting it, until the first success;
/// the regular schedule (every period from the first attempt) and the thresholds are unchanged.
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

    static readonly TimeSpan QuickRetryFirst = TimeSpan.FromMilliseconds(50);
    static readonly TimeSpan QuickRetryMax = TimeSpan.FromMilliseconds(200);

    public ProbeKind Kind { get; }

    /// <summary>Liveness keeps the kubelet's strict schedule: an early failure there would kill a healthy container.</summary>
    bool QuickStart => Kind != ProbeKind.Liveness;
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
            var firstPeriodEnds = DateTime.MaxValue; // set at the first attempt
            var quick = QuickRetryFirst;
            while (!ct.IsCancellationRequested)
            {
                bool retrySoon;
                if (_gate())
                {
                    if (firstPeriodEnds == DateTime.MaxValue) firstPeriodEnds = DateTime.UtcNow + period;
                    var outcome = await ProbeRunner.RunAsync(_probe, _target, ct);
                    // Until the first period is over, a failure before the first success only says "not listening yet".
                    retrySoon = QuickStart && !Result && !outcome.Success && DateTime.UtcNow + quick < firstPeriodEnds;
                    if (!retrySoon && Record(outcome, successThreshold, failureThreshold)) return;
                }
                else retrySoon = QuickStart && !Result; // waiting for the startup probe: look again soon
                if (retrySoon)
                {
                    await Task.Delay(quick, ct);
                    quick = quick * 2 < QuickRetryMax ? quick * 2 : QuickRetryMax;
                    continue;
                }
                // The regular schedule: every period from the first attempt.
                var toFirstPeriodEnd = firstPeriodEnds - DateTime.UtcNow;
                await Task.Delay(toFirstPeriodEnd > TimeSpan.Zero && toFirstPeriodEnd < period ? toFirstPeriodEnd : period, ct);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Counts one attempt toward the thresholds; true when the worker is done (startup succeeded, or the container is to be killed).</summary>
    bool Record(ProbeOutcome outcome, int successThreshold, int failureThreshold)
    {
        if (outcome.Success) { _successes++; _failures = 0; }
        else { _failures++; _successes = 0; _onFailure(Kind, outcome); }
        if (outcome.Success && _successes >= successThreshold && !Result)
        {
            Result = true;
            _onChange(Kind, true);
            return Kind == ProbeKind.Startup; // a startup probe stops once it succeeded
        }
        if (!outcome.Success && _failures >= failureThreshold)
        {
            var changed = Result || Kind == ProbeKind.Startup;
            Result = false;
            if (changed) _onChange(Kind, false);
            // A failed liveness or startup probe ends with the container (it is killed and restarted).
            return Kind != ProbeKind.Readiness;
        }
        return false;
    }
}
