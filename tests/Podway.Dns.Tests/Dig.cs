using System.Diagnostics;

namespace Podway.Dns.Tests;

/// <summary>Runs the real `dig` (dnsutils) against a server.</summary>
internal static class Dig
{
    public static async Task<string> RunAsync(System.Net.IPEndPoint server, params string[] args)
    {
        var start = new ProcessStartInfo("dig") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"@{server.Address}");
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(server.Port.ToString());
        start.ArgumentList.Add("+time=5");
        start.ArgumentList.Add("+tries=1");
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        return await output + await process.StandardError.ReadToEndAsync();
    }
}
