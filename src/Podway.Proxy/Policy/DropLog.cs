using System.Collections.Concurrent;
using System.Text.Json;
using Podway.Proxy.Nft;
using static Podway.Proxy.Policy.PolicyNames;

namespace Podway.Proxy.Policy;

/// <summary>
/// What policy dropped: the per-policy named counters (packets, bytes) and, for TCP/UDP/SCTP, the drop-log sets the
/// drop rules fill with (source, destination, protocol, port) for <see cref="PolicySyncer.DropLogSeconds"/>. Each new
/// flow in them is logged once per window, so the log is rate-limited by construction: a NetworkPolicy drop
/// charged to the first policy (by namespace/name) selecting the Pod, an (B)ANP drop to the Deny rule whose own set
/// holds it. The kernel's own `log` statement is not used: in a network namespace
/// other than the host's it prints nothing unless the host-wide nf_log_all_netns is set, which podway must not touch.
/// </summary>
public sealed class DropLog(RealNftables? nft, string table, Action<string>? log)
{
    readonly ConcurrentDictionary<string, (long Packets, long Bytes)> _counters = new(StringComparer.Ordinal);
    readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>Packets per counter name (`npXXXXXXXX-in-drops`, `anpXXXXXXXX-in0-hits`), as of the last poll.</summary>
    public IReadOnlyDictionary<string, (long Packets, long Bytes)> Counters => _counters;
    /// <summary>Who owns each counter, as of the last poll.</summary>
    public IReadOnlyList<DropOwner> Owners { get; private set; } = [];
    /// <summary>The (B)ANP rules and their counters, as of the last poll.</summary>
    public IReadOnlyList<AdminRuleCounter> AdminRules { get; private set; } = [];

    public async Task PollAsync(PolicyRuleset? applied, CancellationToken ct)
    {
        if (nft is null || applied is null) return;
        Owners = applied.DropOwners;
        AdminRules = applied.AdminRules;
        var json = await nft.ListJsonAsync(ct, "list", "counters", "table", "ip", table);
        if (json is null) return;
        var grew = false;
        var dropCounters = applied.DropOwners.Select(o => o.Counter).ToHashSet(StringComparer.Ordinal);
        foreach (var c in Items(json, "counter"))
        {
            var name = c.GetProperty("name").GetString()!;
            var now = (c.GetProperty("packets").GetInt64(), c.GetProperty("bytes").GetInt64());
            if (_counters.TryGetValue(name, out var before) && before == now) continue;
            _counters[name] = now;
            grew |= now.Item1 > before.Packets && dropCounters.Contains(name);
        }
        foreach (var gone in _counters.Keys.Except(applied.Counters).ToList()) _counters.TryRemove(gone, out _);
        if (!grew) return;
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in applied.DropOwners.GroupBy(o => (o.LogSet, o.Direction)))
        {
            var (set, direction) = group.Key;
            var text = await nft.ListJsonAsync(ct, "list", "set", "ip", table, set);
            if (text is null) continue;
            foreach (var s in Items(text, "set"))
            {
                if (!s.TryGetProperty("elem", out var elems)) continue;
                foreach (var e in elems.EnumerateArray())
                {
                    var val = e.TryGetProperty("elem", out var inner) ? inner.GetProperty("val") : e;
                    var parts = val.GetProperty("concat").EnumerateArray().Select(p => p.ToString()).ToArray();
                    if (parts.Length != 4) continue;
                    var key = $"{set} {string.Join(' ', parts)}";
                    current.Add(key);
                    if (_seen.Contains(key)) continue;
                    var (src, dst, proto, port) = (parts[0], parts[1], parts[2], parts[3]);
                    var pod = direction == "ingress" ? dst : src;
                    var owner = group.FirstOrDefault(o => o.PodIps.Contains(pod));
                    log?.Invoke($"policy: dropped {proto} {src} -> {dst}:{port} ({direction} of {pod}, denied by {owner?.DeniedBy ?? "a policy since deleted"})");
                }
            }
        }
        _seen.Clear();
        _seen.UnionWith(current);
    }

    static IEnumerable<JsonElement> Items(string json, string kind)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
            if (item.TryGetProperty(kind, out var v)) yield return v.Clone();
    }
}
