using System.Diagnostics;
using Podway.Node.Images;

namespace Podway.Images.Tests;

/// <summary>registry.k8s.io/pause as the catalog runs it (a shell script): what pause.c does.</summary>
public sealed class PauseImageTests
{
    [Theory]
    [InlineData("registry.k8s.io/pause:3.10")]
    [InlineData("k8s.gcr.io/pause")]
    public void Resolve_Pause_IsItsShellScriptWithThePathAsArgumentZero(string image)
    {
        var resolved = new ImageCatalog().Resolve(image, null, null);

        Assert.Equal("/bin/sh", resolved.File);
        Assert.Equal("-c", resolved.Args[0]);
        Assert.Equal(["/pause"], resolved.Args.Skip(2));
    }

    [Theory]
    [InlineData(15, "Terminated")]
    [InlineData(2, "Interrupt")]
    public async Task Pause_TerminationSignal_SaysWhichAndExits0(int signal, string name)
    {
        using var p = Start([]);
        await Task.Delay(300); // its traps are set by the time a Pod is stopped
        Assert.False(p.HasExited, p.HasExited ? p.StandardError.ReadToEnd() : "");

        using (var kill = Process.Start("kill", [$"-{signal}", p.Id.ToString()])!) await kill.WaitForExitAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, p.ExitCode);
        Assert.Equal($"Shutting down, got signal: {name}", (await p.StandardOutput.ReadToEndAsync()).Trim());
    }

    [Fact]
    public async Task Pause_VersionFlagAndUnknownArguments_AnswerAsPauseC()
    {
        using var version = Start(["-v"]);
        await version.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("pause.c", (await version.StandardOutput.ReadToEndAsync()).Trim());

        using var wrong = Start(["--nope"]);
        await wrong.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("-v  Prints pause version", await wrong.StandardError.ReadToEndAsync());
    }

    static Process Start(string[] args)
    {
        var resolved = new ImageCatalog().Resolve("registry.k8s.io/pause", null, args);
        // As the container shim starts it: default signal dispositions (a test run in the background ignores SIGINT,
        // and a shell cannot trap a signal ignored when it started).
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--default-signal=INT,QUIT", resolved.File }.Concat(resolved.Args)) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in resolved.Env) psi.Environment[k] = v;
        psi.FileName = "/usr/bin/env";
        return Process.Start(psi)!;
    }
}
