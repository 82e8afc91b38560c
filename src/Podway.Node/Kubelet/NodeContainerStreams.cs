using System.Net;
using Podway.Node.Runtime;
using Podway.Node.Sandbox;
using Podway.Node.Streaming;

namespace Podway.Node.Kubelet;

/// <summary>The node's containers as the streaming server sees them (exec, attach, logs, port-forward).</summary>
internal sealed class NodeContainerStreams(NodeAgent agent) : IContainerStreams
{
    public Task<IProcessSession> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> command, bool tty, CancellationToken ct)
    {
        var (worker, slot) = Find(ns, pod, container);
        if (slot.Run is not { HasExited: false } run)
            throw new StreamingException(400, $"container {slot.Name} is not running");
        if (command.Count == 0) throw new StreamingException(400, "you must specify at least one command for the container");
        var exec = ContainerExec.Start(agent.Runtime, run.Handle, command, slot.Env, slot.WorkingDir, tty);
        return Task.FromResult<IProcessSession>(new ExecSession(exec, tty));
    }

    public async Task<IProcessSession> AttachAsync(string ns, string pod, string? container, bool tty, CancellationToken ct)
    {
        var (_, slot) = Find(ns, pod, container);
        if (slot.Run is not { HasExited: false } run)
        {
            // kubectl run -i falls back to the logs when the container is gone: refuse only once they hold its output.
            await slot.LogCopiedAsync(ct);
            throw new StreamingException(400, $"container {slot.Name} is not running");
        }
        bool first;
        lock (run) { first = !run.Attached; run.Attached = true; }
        return new AttachSession(run, fromStart: first);
    }

    public string? LogPath(string ns, string pod, string? container, bool previous)
    {
        var (worker, slot) = Find(ns, pod, container);
        // The current log is the latest run's, even after it exited (a crash-looping container shows its last run).
        // Without a record of the runs (it went with a finished pod's sandbox), the logs on disk say which is latest.
        var latest = slot.EverStarted ? slot.RestartCount : LatestLoggedAttempt(worker, slot.Name);
        if (latest is not { } current) return null;
        var attempt = previous ? current - 1 : current;
        if (attempt < 0) return null;
        var path = ContainerPaths.For(worker.StateDir, worker.Uid, slot.Name, attempt).Log;
        return File.Exists(path) ? path : null;
    }

    static int? LatestLoggedAttempt(PodWorker worker, string container)
    {
        var dir = ContainerPaths.For(worker.StateDir, worker.Uid, container, 0).LogDir;
        if (!Directory.Exists(dir)) return null;
        var attempts = Directory.GetFiles(dir, "*.log").Select(f => int.TryParse(Path.GetFileNameWithoutExtension(f), out var n) ? n : -1).Where(n => n >= 0);
        return attempts.Any() ? attempts.Max() : null;
    }

    public bool IsRunning(string ns, string pod, string? container)
    {
        try { return Find(ns, pod, container).Slot.Running; }
        catch (StreamingException) { return false; }
    }

    public IPAddress? PodIp(string ns, string pod) =>
        agent.FindWorker(ns, pod)?.PodIp is { } ip ? IPAddress.Parse(ip) : null;

    (PodWorker Worker, ContainerSlot Slot) Find(string ns, string pod, string? container)
    {
        var worker = agent.FindWorker(ns, pod) ?? throw new StreamingException(404, $"pod {ns}/{pod} not found on this node");
        var slot = worker.FindContainer(container)
            ?? throw new StreamingException(404, container is null ? $"pod {ns}/{pod} has no containers" : $"container {container} is not valid for pod {pod}");
        return (worker, slot);
    }
}
