using System.Diagnostics;
using Podway.Node.Sandbox;

namespace Podway.Node.Runtime;

/// <summary>Starts a process inside a pod's sandbox with a container's environment (kubectl exec, exec probes).</summary>
internal static class SandboxExec
{
    public static Process Start(IPodSandboxes sandboxes, SandboxInfo sandbox, IReadOnlyList<string> argv,
        IReadOnlyDictionary<string, string> env, string? workingDir, bool tty)
    {
        var (file, args) = tty ? Shell.UnderPty(argv[0], argv.Skip(1).ToList()) : (argv[0], argv.Skip(1).ToList());
        var psi = sandboxes.Enter(sandbox, file, args, workingDir);
        var addedByEnter = psi.Environment.Where(kv => kv.Value is not null && Environment.GetEnvironmentVariable(kv.Key) != kv.Value).ToList();
        psi.Environment.Clear();
        foreach (var (k, v) in addedByEnter) psi.Environment[k] = v;
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.UseShellExecute = false;
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {argv[0]}");
    }

    /// <summary>Runs to completion within timeout (killing the tree on expiry); returns the exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IPodSandboxes sandboxes, SandboxInfo sandbox, IReadOnlyList<string> argv,
        IReadOnlyDictionary<string, string> env, string? workingDir, TimeSpan timeout, CancellationToken ct)
    {
        using var process = Start(sandboxes, sandbox, argv, env, workingDir, tty: false);
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
