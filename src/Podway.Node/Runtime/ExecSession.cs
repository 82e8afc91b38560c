using System.Diagnostics;
using Podway.Node.Streaming;

namespace Podway.Node.Runtime;

/// <summary>kubectl exec: a process in the sandbox with its stdio as pipes.</summary>
internal sealed class ExecSession(Process process, bool tty) : IProcessSession
{
    public Stream? Stdin { get; } = process.StandardInput.BaseStream;
    public Stream Stdout { get; } = process.StandardOutput.BaseStream;
    public Stream? Stderr { get; } = tty ? null : process.StandardError.BaseStream;
    public Task<int> Exited { get; } = WaitAsync(process);

    /// <summary>The pty belongs to script(1), which cannot be resized from outside: the size stays 80x24 (known gap).</summary>
    public void Resize(int width, int height) { }

    static async Task<int> WaitAsync(Process p)
    {
        await p.WaitForExitAsync();
        return p.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
