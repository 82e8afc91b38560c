using System.Diagnostics;

namespace Podway.Proxy.Flows;

/// <summary>
/// A connection the kernel confirmed: the original tuple (what the client asked for: a Service address, say) and
/// where the reply comes from (the endpoint after DNAT). Confirmed means it passed every hook, so a packet a policy
/// dropped or the proxy rejected never becomes one.
/// </summary>
public sealed record ConntrackNew(string Protocol, string Source, int SourcePort, string Destination, int DestinationPort,
    string ReplySource, int ReplySourcePort)
{
    /// <summary>A line of `conntrack -E -e NEW`, e.g. `[NEW] tcp 6 120 SYN_SENT src=A dst=B sport=1 dport=2 [UNREPLIED] src=C dst=A sport=3 dport=1`.</summary>
    public static ConntrackNew? Parse(string line)
    {
        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(tokens, "[NEW]");
        if (at < 0 || at + 1 >= tokens.Length) return null;
        var protocol = tokens[at + 1];
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var t in tokens)
        {
            var eq = t.IndexOf('=');
            if (eq <= 0) continue;
            var key = t[..eq];
            if (!values.TryGetValue(key, out var list)) values[key] = list = [];
            list.Add(t[(eq + 1)..]);
        }
        string? Get(string key, int i) => values.TryGetValue(key, out var l) && l.Count > i ? l[i] : null;
        int Port(string key, int i) => int.TryParse(Get(key, i), out var p) ? p : 0;
        if (Get("src", 0) is not { } src || Get("dst", 0) is not { } dst || Get("src", 1) is not { } replySrc) return null;
        return new(protocol, src, Port("sport", 0), dst, Port("dport", 0), replySrc, Port("sport", 1));
    }
}

/// <summary>
/// New connections in the current network namespace (or the named one), from `conntrack -E -e NEW` (ctnetlink events; the tool flushes
/// each line). Restarted if it exits; a missing tool is logged once and the stream stays empty.
/// </summary>
public sealed class ConntrackEvents(string? netns, Action<string>? log)
{
    public async Task RunAsync(Action<ConntrackNew> onNew, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var psi = new ProcessStartInfo(netns is null ? "conntrack" : "ip") { RedirectStandardOutput = true, RedirectStandardError = true };
            string[] args = ["conntrack", "-E", "-e", "NEW", "--buffer-size", "4194304"];
            foreach (var a in netns is null ? args[1..] : ["netns", "exec", netns, .. args]) psi.ArgumentList.Add(a);
            Process process;
            try { process = Process.Start(psi)!; }
            catch (System.ComponentModel.Win32Exception e) { log?.Invoke($"flows: conntrack not available, no forwarded flows: {e.Message}"); return; }
            using (process)
            using (ct.Register(() => { try { process.Kill(); } catch (InvalidOperationException) { } }))
            {
                _ = process.StandardError.ReadToEndAsync(ct);
                while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
                    if (ConntrackNew.Parse(line) is { } flow) onNew(flow);
                await process.WaitForExitAsync(CancellationToken.None);
                if (!ct.IsCancellationRequested) log?.Invoke($"flows: conntrack -E exited ({process.ExitCode}), starting it again");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}
