using System.Text.Json.Nodes;
using Podway.Node.Probes;
using Podway.Node.Runtime;

namespace Podway.Node.Kubelet;

/// <summary>The kubelet's view of one container of a pod across its runs.</summary>
internal sealed class ContainerSlot(JsonObject spec, bool isInit)
{
    public JsonObject Spec { get; set; } = spec;
    public bool IsInit { get; } = isInit;
    /// <summary>A restartable init container (restartPolicy: Always), i.e. a sidecar.</summary>
    public bool IsSidecar => IsInit && Spec["restartPolicy"]?.GetValue<string>() == "Always";
    /// <summary>Added by kubectl debug through pods/ephemeralcontainers: started once, never restarted, never ready.</summary>
    public bool IsEphemeral { get; init; }
    /// <summary>The container whose process namespace an ephemeral container asks to share (kubectl debug --target).</summary>
    public string? TargetContainerName => Spec["targetContainerName"]?.GetValue<string>();
    public string Name => Spec["name"]?.GetValue<string>() ?? "";
    public string Image => Spec["image"]?.GetValue<string>() ?? "";

    public int RestartCount { get; set; }
    /// <summary>Whether a run was ever created (its attempt index is RestartCount).</summary>
    public bool EverStarted { get; set; }
    public ContainerRun? Run { get; set; }
    /// <summary>How the most recent run ended, while it is not replaced by a new run.</summary>
    public TerminatedInfo? Terminated { get; set; }
    public TerminatedInfo? LastTerminated { get; set; }
    public string? WaitingReason { get; set; }
    public string? WaitingMessage { get; set; }
    public DateTime? RetryAt { get; set; }

    public IReadOnlyDictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
    public string? WorkingDir { get; set; }
    public int StreamAttaches { get; set; }
    /// <summary>Completes when the latest run's output is all in its CRI log.</summary>
    public Task LogCopied { get; set; } = Task.CompletedTask;

    /// <summary>
    /// LogCopied, waited for at most 2 s: what an exit is reported after (containerd reports a task's exit once its
    /// output is copied), so `kubectl logs` then has every line.
    /// </summary>
    public Task LogCopiedAsync(CancellationToken ct = default) => Task.WhenAny(LogCopied, Task.Delay(TimeSpan.FromSeconds(2), ct));

    public CancellationTokenSource? ProbeCts { get; set; }
    public List<ProbeWorker> Probes { get; } = [];

    public bool Running => Run is { HasExited: false };
    bool ProbeResult(ProbeKind kind) => Probes.FirstOrDefault(p => p.Kind == kind)?.Result ?? true;
    /// <summary>Running, and the startup probe (if any) has succeeded.</summary>
    public bool Started => Running && ProbeResult(ProbeKind.Startup);
    public bool Ready => Started && ProbeResult(ProbeKind.Readiness);

    public string ContainerId(string podUid) => $"podway://{podUid}-{Name}-{RestartCount}";

    public void StopProbes()
    {
        ProbeCts?.Cancel();
        ProbeCts = null;
        Probes.Clear();
    }
}
