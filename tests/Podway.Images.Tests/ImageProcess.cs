using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Podway.Images.Tests;

/// <summary>A built-in program started as `podway image PROGRAM ARGS` (the way a Pod runs it), with its output captured.</summary>
internal sealed partial class ImageProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder stdout = new(), stderr = new();

    public static string Podway => Path.Combine(AppContext.BaseDirectory, "podway");

    ImageProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static ImageProcess Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        // Through env --default-signal: a test run started in the background inherits SIGINT ignored, and so would the program.
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--default-signal=INT,QUIT", Podway, "image", program, .. args]) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return new ImageProcess(Process.Start(psi)!);
    }

    public string Stdout { get { lock (stdout) return stdout.ToString(); } }
    public string Stderr { get { lock (stderr) return stderr.ToString(); } }
    public int Pid => process.Id;

    public static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static int FreeUdpPort()
    {
        using var s = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.Client.LocalEndPoint!).Port;
    }

    /// <summary>Waits until the program accepts TCP connections on 127.0.0.1:port.</summary>
    public async Task WaitForTcpAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"program exited with {process.ExitCode}: {Stderr}");
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { await Task.Delay(50); }
        }
        throw new TimeoutException($"nothing listens on {port}; stderr: {Stderr}");
    }

    /// <summary>Waits until stdout or stderr contains text (programs that announce readiness).</summary>
    public async Task WaitForOutputAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(Stdout + Stderr).Contains(text))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no \"{text}\" in output: {Stdout}{Stderr}");
            await Task.Delay(50);
        }
    }

    public void Signal(int signal) => Assert.Equal(0, kill(process.Id, signal));

    public const int SIGTERM = 15, SIGINT = 2;

    /// <summary>The exit code, waiting at most 15 s.</summary>
    public async Task<int> ExitCodeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
