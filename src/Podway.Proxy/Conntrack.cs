using System.Diagnostics;

namespace Podway.Proxy;

/// <summary>Flushes UDP conntrack entries (kube-proxy's pkg/proxy/conntrack ClearEntriesFor*).</summary>
internal interface IConntrack
{
    void ClearEntriesForIp(string serviceIp);
    void ClearEntriesForNat(string originalDst, string endpointIp);
    void ClearEntriesForPortNat(int nodePort, string endpointIp);
}

/// <summary>The `conntrack` tool, in the caller's network namespace. "0 flow entries deleted" is exit 0 or 1; both are fine.</summary>
internal sealed class ConntrackTool(Action<string>? log = null) : IConntrack
{
    public void ClearEntriesForIp(string serviceIp) => Run("-D", "--orig-dst", serviceIp, "-p", "udp");
    public void ClearEntriesForNat(string originalDst, string endpointIp) => Run("-D", "--orig-dst", originalDst, "--dst-nat", endpointIp, "-p", "udp");
    public void ClearEntriesForPortNat(int nodePort, string endpointIp) => Run("-D", "-p", "udp", "--dport", nodePort.ToString(), "--dst-nat", endpointIp);

    void Run(params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("conntrack") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode > 1) log?.Invoke($"proxy: conntrack {string.Join(' ', args)} failed: {err.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e) { log?.Invoke($"proxy: conntrack not available: {e.Message}"); }
    }
}
