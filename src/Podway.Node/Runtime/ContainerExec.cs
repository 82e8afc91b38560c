using System.Diagnostics;

namespace Podway.Node.Runtime;

/// <summary>Starts a process in a running container with its environment (kubectl exec, exec probes), through the OCI runtime.</summary>
internal static class ContainerExec
{
    public static ExecProcess Start(ContainerRuntime runtime, ContainerHandle handle, IReadOnlyList<string> argv,
        IReadOnlyDictionary<string, string> env, string? workingDir, bool tty)
    {
        var (psi, processFile) = runtime.Exec(handle, argv, env, workingDir, tty);
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        try { return new ExecProcess(Process.Start(psi) ?? throw new InvalidOperationException($"could not start {argv[0]}"), processFile); }
        catch { File.Delete(processFile); throw; }
    }

    /// <summary>Runs to completion within timeout (killing it on expiry); returns the exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ContainerRuntime runtime, ContainerHandle handle, IReadOnlyList<string> argv,
        IReadOnlyDictionary<string, string> env, string? workingDir, TimeSpan timeout, CancellationToken ct)
    {
        using var exec = Start(runtime, handle, argv, env, workingDir, tty: false);
        var process = exec.Process;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException();
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>An exec'd process and the process spec file crun read for it (removed with it).</summary>
internal sealed class ExecProcess(Process process, string processFile) : IDisposable
{
    public Process Process { get; } = process;

    public void Dispose()
    {
        try { if (!Process.HasExited) Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        Process.Dispose();
        try { File.Delete(processFile); } catch (IOException) { }
    }
}
