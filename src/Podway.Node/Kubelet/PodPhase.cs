namespace Podway.Node.Kubelet;

/// <summary>The kubelet's getPhase (pkg/kubelet/kubelet_pods.go) over the containers' current states.</summary>
internal static class PodPhase
{
    public static string Compute(string restartPolicy, IReadOnlyList<ContainerSlot> init, IReadOnlyList<ContainerSlot> regular)
    {
        foreach (var c in init)
        {
            if (c.IsSidecar) { if (!c.Started) return "Pending"; continue; }
            if (c.Terminated is { ExitCode: 0 } && c.Run is null) continue;
            // A failed init container fails the pod only when it will not be restarted.
            if (c.Terminated is { } t && t.ExitCode != 0 && c.Run is null && restartPolicy == "Never") return "Failed";
            return "Pending";
        }
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var c in regular)
        {
            if (c.Running) running++;
            else if (c.Terminated is { } t && c.WaitingReason is null) { stopped++; if (t.ExitCode == 0) succeeded++; }
            else if (c.Terminated is not null) stopped++; // waiting to restart after a previous run
            else waiting++;
        }
        if (waiting > 0) return "Pending";
        if (running > 0) return "Running";
        if (stopped == 0) return "Pending";
        if (restartPolicy == "Always") return "Running";
        if (stopped == succeeded) return "Succeeded";
        return restartPolicy == "Never" ? "Failed" : "Running";
    }
}
