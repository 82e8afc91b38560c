using System.Diagnostics;

namespace Podway.Node.Network;

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Ok => ExitCode == 0;

    /// <summary>Throws with the command line and its stderr when it failed.</summary>
    public ProcessResult Check(string what) =>
        Ok ? this : throw new IOException($"{what} failed (exit {ExitCode}): {(Stderr.Trim().Length > 0 ? Stderr.Trim() : Stdout.Trim())}");
}

/// <summary>Runs host programs (ip, nsenter, CNI plugins) to completion, with optional stdin and environment.</summary>
internal static class HostProcess
{
    public static ProcessResult Run(string file, params string[] args) =>
        RunAsync(file, args, null, null, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, string? stdin,
        IReadOnlyDictionary<string, string>? env, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { return new ProcessResult(127, "", $"{file}: {e.Message}"); }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
            if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
            try { await p.WaitForExitAsync(ct); }
            catch (OperationCanceledException) { try { p.Kill(true); } catch (InvalidOperationException) { } throw; }
            return new ProcessResult(p.ExitCode, await stdout, await stderr);
        }
    }
}
