using System.Net;

namespace Podway.Node.Streaming;

/// <summary>
/// What the kubelet's streaming server (exec, attach, logs, port-forward) needs from the node's container runtime.
/// Pods are addressed by namespace and name; a null container means the Pod's first container.
/// </summary>
public interface IContainerStreams
{
    /// <summary>Starts command inside the container's sandbox (like `runc exec`). Throws StreamingException for unknown pods/containers.</summary>
    Task<IProcessSession> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> command, bool tty, CancellationToken ct);

    /// <summary>Attaches to the running container's stdio (its stdin only when the container has stdin: true).</summary>
    Task<IProcessSession> AttachAsync(string ns, string pod, string? container, bool tty, CancellationToken ct);

    /// <summary>The container's log file for the current (or previous) run, in the CRI log format, or null.</summary>
    string? LogPath(string ns, string pod, string? container, bool previous);

    /// <summary>True while the container is running (followed logs end when it stops).</summary>
    bool IsRunning(string ns, string pod, string? container);

    /// <summary>The Pod's IP, for port-forward connections the node makes to it.</summary>
    IPAddress? PodIp(string ns, string pod);
}

/// <summary>A process (exec) or a running container's stdio (attach).</summary>
public interface IProcessSession : IAsyncDisposable
{
    /// <summary>Null when the session has no stdin.</summary>
    Stream? Stdin { get; }
    Stream Stdout { get; }
    /// <summary>Null with a tty (stderr is merged into stdout).</summary>
    Stream? Stderr { get; }
    void Resize(int width, int height);
    /// <summary>Completes with the exit code when the process ends (attach: when the container stops).</summary>
    Task<int> Exited { get; }
}

public sealed class StreamingException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
