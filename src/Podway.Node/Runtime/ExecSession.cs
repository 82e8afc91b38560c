using Podway.Node.Streaming;

namespace Podway.Node.Runtime;

/// <summary>kubectl exec: a process in the container with its stdio as pipes.</summary>
internal sealed class ExecSession(ExecProcess exec, bool tty) : IProcessSession
{
    public Stream? Stdin { get; } = exec.Process.StandardInput.BaseStream;
    public Stream Stdout { get; } = exec.Process.StandardOutput.BaseStream;
    public Stream? Stderr { get; } = tty ? null : exec.Process.StandardError.BaseStream;
    public Task<int> Exited { get; } = WaitAsync(exec);

    /// <summary>The pty belongs to script(1), which cannot be resized from outside: the size stays 80x24 (known gap).</summary>
    public void Resize(int width, int height) { }

    static async Task<int> WaitAsync(ExecProcess e)
    {
        await e.Process.WaitForExitAsync();
        return e.Process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        exec.Dispose();
        return ValueTask.CompletedTask;
    }
}
