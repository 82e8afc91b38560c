using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Podway.Node.Streaming;

namespace Podway.ApiServer.Tests.Proxy;

/// <summary>
/// A container runtime made of plain host processes (no namespaces): exec starts the command, attach joins a
/// long-running process the test started, logs are CRI files the test writes, the Pod IP is loopback.
/// </summary>
internal sealed class HostContainerStreams : IContainerStreams, IDisposable
{
    readonly ConcurrentDictionary<string, TestContainer> _containers = new();
    public IPAddress? PodAddress { get; set; } = IPAddress.Loopback;

    public TestContainer Add(string ns, string pod, string container, string logDir) =>
        _containers[$"{ns}/{pod}/{container}"] = new TestContainer(logDir);

    TestContainer Find(string ns, string pod, string? container) =>
        _containers.TryGetValue($"{ns}/{pod}/{container}", out var c) ? c : throw new StreamingException(404, $"container not found (\"{container}\")");

    public Task<IProcessSession> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> command, bool tty, CancellationToken ct)
    {
        Find(ns, pod, container);
        // Without a real tty, stderr is merged into stdout as a tty would.
        var start = tty ? new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "exec \"$@\" 2>&1", "sh" } } : new ProcessStartInfo(command[0]);
        foreach (var arg in tty ? command : command.Skip(1)) start.ArgumentList.Add(arg);
        var session = new ProcessSession(Start(start), tty, killOnDispose: true);
        return Task.FromResult<IProcessSession>(session);
    }

    public Task<IProcessSession> AttachAsync(string ns, string pod, string? container, bool tty, CancellationToken ct)
    {
        var c = Find(ns, pod, container);
        var main = c.Main ?? throw new StreamingException(500, "container has no process");
        return Task.FromResult<IProcessSession>(new ProcessSession(main, tty, killOnDispose: false));
    }

    public string? LogPath(string ns, string pod, string? container, bool previous)
    {
        var c = Find(ns, pod, container);
        var path = Path.Combine(c.LogDir, previous ? "0.log" : "1.log");
        return previous && !c.HasPrevious ? null : path;
    }

    public bool IsRunning(string ns, string pod, string? container) =>
        _containers.TryGetValue($"{ns}/{pod}/{container}", out var c) && c.Running;

    public IPAddress? PodIp(string ns, string pod) => PodAddress;

    static Process Start(ProcessStartInfo start)
    {
        start.RedirectStandardInput = start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return Process.Start(start)!;
    }

    /// <summary>Starts the container's main process (what attach joins).</summary>
    public static Process StartMain(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]);
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        return Start(start);
    }

    public void Dispose()
    {
        foreach (var c in _containers.Values)
            if (c.Main is { HasExited: false } p) p.Kill(entireProcessTree: true);
    }

    internal sealed class TestContainer(string logDir)
    {
        public string LogDir { get; } = logDir;
        public volatile bool Running = true;
        public bool HasPrevious { get; set; }
        public Process? Main { get; set; }
        public string CurrentLog => Path.Combine(LogDir, "1.log");
        public string PreviousLog => Path.Combine(LogDir, "0.log");
    }

    sealed class ProcessSession(Process process, bool tty, bool killOnDispose) : IProcessSession
    {
        public Stream? Stdin => process.StandardInput.BaseStream;
        public Stream Stdout => process.StandardOutput.BaseStream;
        public Stream? Stderr => tty ? null : process.StandardError.BaseStream;
        public (int Width, int Height)? LastSize { get; private set; }
        public void Resize(int width, int height) => LastSize = (width, height);
        public Task<int> Exited { get; } = process.WaitForExitAsync().ContinueWith(_ => process.ExitCode, TaskScheduler.Default);

        public ValueTask DisposeAsync()
        {
            if (killOnDispose && !process.HasExited) process.Kill(entireProcessTree: true);
            return ValueTask.CompletedTask;
        }
    }
}
