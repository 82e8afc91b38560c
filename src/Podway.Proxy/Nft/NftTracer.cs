using System.Net;

namespace Podway.Proxy.Nft;

/// <summary>Where a traced packet ends: its verdict, every endpoint a DNAT could pick, and whether it is masqueraded.</summary>
public sealed record TraceResult(string Verdict, IReadOnlyList<string> Endpoints, bool Masquerade, IReadOnlyList<string> Chains)
{
    /// <summary>For a REJECT, what the client gets back: "tcp reset" or "icmp port-unreachable" (nft's default).</summary>
    public string? RejectedWith { get; init; }

    public override string ToString() => $"{Verdict} -> [{string.Join(", ", Endpoints)}]{(Masquerade ? " masquerade" : "")}";
}

/// <summary>
/// Walks a new connection's first packet through <see cref="FakeNftables"/> tables the way the kernel would
/// (kube-proxy's nftables tracer in proxier_test.go): from a node address it takes the output path, otherwise
/// prerouting then input (to a node address) or forward; the hooked chains of all tables run in priority order;
/// DNAT rewrites the destination for later hooks; `numgen` choices are all explored so every possible endpoint is
/// reported. Nat chains run as the kernel runs them: inside nf_nat's own hook (priority -100 for DNAT, 100 for
/// SNAT), ordered among themselves by their priority, and once one of them bound the connection (dnat,
/// masquerade) the others of that hook are skipped. Dynamic sets (session affinity) are updated in the tracer's
/// own state, so a second trace sees them.
/// </summary>
public sealed class NftTracer(IEnumerable<FakeTable> tables, IEnumerable<string> localAddresses)
{
    readonly IReadOnlyList<FakeTable> _tables = [.. tables];
    readonly HashSet<string> _local = [.. localAddresses];
    readonly Dictionary<string, HashSet<string>> _dynamic = new(StringComparer.Ordinal);
    /// <summary>The table of the base chain being walked (a jump or goto never leaves it).</summary>
    FakeTable _table = null!;

    public NftTracer(FakeTable table, IEnumerable<string> localAddresses) : this([table], localAddresses) { }

    enum Outcome { Continue, Return, Accept, Drop, Reject }

    sealed class Packet
    {
        public required string Saddr; public required string Daddr; public required string Proto; public required int Dport;
        public uint Mark; public bool Masquerade; public bool Probe; public bool Bound; public string? RejectedWith; public readonly List<string> Dnat = []; public readonly List<string> Chains = [];
    }

    public TraceResult Trace(string sourceIp, string destIp, string protocol, int destPort)
    {
        var p = new Packet { Saddr = sourceIp, Daddr = destIp, Proto = protocol.ToLowerInvariant(), Dport = destPort };
        var fromNode = _local.Contains(sourceIp);
        var verdict = fromNode ? Hook("output", p) : Hook("prerouting", p);
        if (verdict == Outcome.Accept) verdict = fromNode ? Outcome.Accept : Hook(_local.Contains(p.Daddr) ? "input" : "forward", p);
        if (verdict == Outcome.Accept && !(_local.Contains(p.Daddr) && !fromNode)) verdict = Hook("postrouting", p);
        var name = verdict switch { Outcome.Drop => "DROP", Outcome.Reject => "REJECT", _ => "ACCEPT" };
        return new TraceResult(name, [.. p.Dnat.Distinct()], p.Masquerade, p.Chains) { RejectedWith = verdict == Outcome.Reject ? p.RejectedWith : null };
    }

    Outcome Hook(string hook, Packet p)
    {
        var chains = _tables
            .SelectMany(t => t.Chains.Values.Where(c => c.Hook?.Hook == hook).Select(c => (Table: t, Chain: c)))
            .OrderBy(x => RunsAt(x.Chain.Hook!)).ThenBy(x => x.Chain.Hook!.Priority).ThenBy(x => x.Table.Name, StringComparer.Ordinal)
            .ToList();
        p.Bound = false;
        foreach (var (t, chain) in chains)
        {
            if (chain.Hook!.Type == "nat" && p.Bound) continue; // nf_nat_inet_fn: the connection already has its binding
            _table = t;
            var o = Run(chain.Name, p);
            if (o is Outcome.Drop or Outcome.Reject) return o;
        }
        return Outcome.Accept;
    }

    /// <summary>Where a base chain runs in the hook: nat chains inside nf_nat's hook (NF_IP_PRI_NAT_DST / _SRC).</summary>
    static int RunsAt(BaseChain c) => c.Type != "nat" ? c.Priority : c.Hook is "prerouting" or "output" ? -100 : 100;

    Outcome Run(string chainName, Packet p)
    {
        p.Chains.Add(_tables.Count > 1 ? $"{_table.Name}:{chainName}" : chainName);
        foreach (var rule in _table.Chains[chainName].Rules)
        {
            var o = Rule(rule.Split(' ', StringSplitOptions.RemoveEmptyEntries), p);
            if (o != Outcome.Continue) return o == Outcome.Return ? Outcome.Continue : o;
        }
        return Outcome.Continue;
    }

    Outcome Rule(string[] t, Packet p)
    {
        var i = 0;
        while (i < t.Length)
        {
            switch (t[i])
            {
                case "ct" when t[i + 1] == "state": i += 3; continue; // every traced packet is new
                case "ip" when t[i + 2] == "." && t[i + 1] == "daddr": // ip daddr . meta l4proto . th dport vmap @map
                    return Verdict(Lookup(t[i + 9], $"{p.Daddr} . {p.Proto} . {p.Dport}"), p);
                case "ip" when t[i + 2] == "." && t[i + 1] == "saddr": // ip saddr . ip daddr @set
                    if (Lookup(t[i + 5], $"{p.Saddr} . {p.Daddr}", present: true) is null) return Outcome.Continue;
                    i += 6; continue;
                case "ip":
                {
                    var addr = t[i + 1] == "saddr" ? p.Saddr : p.Daddr;
                    var negate = t[i + 2] == "!=";
                    var j = negate ? i + 3 : i + 2;
                    var (matches, next) = MatchAddress(addr, t, j);
                    if (matches == negate) return Outcome.Continue;
                    i = next;
                    continue;
                }
                case "meta" when t[i + 1] == "l4proto" && t[i + 2] == ".": // meta l4proto . th dport vmap @map
                    return Verdict(Lookup(t[i + 6], $"{p.Proto} . {p.Dport}"), p);
                case "meta" when t[i + 1] == "l4proto":
                    if (t[i + 2] != p.Proto) return Outcome.Continue;
                    i += 3; continue;
                case "meta" when t[i + 1] == "mark" && t[i + 2] == "&": // meta mark & M == V
                    if ((p.Mark & Hex(t[i + 3])) != Hex(t[i + 5])) return Outcome.Continue;
                    i += 6; continue;
                case "meta" when t[i + 1] == "mark" && t[i + 2] == "set" && t[i + 5] == "&": // meta mark set meta mark & K | V
                    p.Mark = (p.Mark & Hex(t[i + 6])) | Hex(t[i + 8]);
                    i += 9; continue;
                case "meta" when t[i + 1] == "mark" && t[i + 2] == "set": // meta mark set meta mark (|,^) M
                    p.Mark = t[i + 5] == "|" ? p.Mark | Hex(t[i + 6]) : p.Mark ^ Hex(t[i + 6]);
                    i += 7; continue;
                case "tcp" or "udp" or "sctp" when t[i + 1] == "dport":
                    if (t[i] != p.Proto || int.Parse(t[i + 2]) != p.Dport) return Outcome.Continue;
                    i += 3; continue;
                case "fib": // fib saddr|daddr type local
                    if (!_local.Contains(t[i + 1] == "saddr" ? p.Saddr : p.Daddr)) return Outcome.Continue;
                    i += 4; continue;
                case "numgen" or "jhash": // numgen random mod N 0 <statements> / jhash ip saddr . udp sport mod N 0 <statements>:
                {                         // explore the matching branch on a copy, go on as if it missed
                    var probe = Copy(p);
                    Rule(t[(i + (t[i] == "numgen" ? 5 : 9))..], probe);
                    p.Dnat.AddRange(probe.Dnat);
                    return Outcome.Continue;
                }
                case "update" when p.Probe: i += 6; continue; // a branch not taken leaves no affinity behind
                case "update": // update @set { ip saddr }
                    (_dynamic.TryGetValue(DynamicKey(t[i + 1][1..]), out var s) ? s : _dynamic[DynamicKey(t[i + 1][1..])] = []).Add(p.Saddr);
                    i += 6; continue;
                case "dnat": // dnat to ip:port
                    var target = t[i + 2];
                    p.Dnat.Add(target);
                    var colon = target.LastIndexOf(':');
                    p.Daddr = target[..colon];
                    p.Dport = int.Parse(target[(colon + 1)..]);
                    p.Bound = true;
                    return Outcome.Accept;
                case "masquerade": p.Masquerade = true; p.Bound = true; return Outcome.Accept;
                case "log": // log [prefix "P"] [group N] [snaplen N]: the flow log's, changes nothing
                    i++;
                    while (i + 1 < t.Length && t[i] is "prefix" or "group" or "snaplen" or "level" or "queue-threshold") i += 2;
                    continue;
                default: return Verdict(string.Join(' ', t[i..]), p);
            }
        }
        return Outcome.Continue;
    }

    (bool Matches, int Next) MatchAddress(string addr, string[] t, int j)
    {
        if (t[j].StartsWith('@'))
        {
            var name = t[j][1..];
            var inSet = (_table.Sets.TryGetValue(name, out var set) && set.Elements.ContainsKey(addr))
                || (_dynamic.TryGetValue(DynamicKey(name), out var dyn) && dyn.Contains(addr));
            return (inSet, j + 1);
        }
        if (t[j] == "{")
        {
            var close = Array.IndexOf(t, "}", j);
            var items = string.Join(' ', t[(j + 1)..close]).Split(',', StringSplitOptions.TrimEntries);
            return (items.Any(c => InCidr(addr, c)), close + 1);
        }
        return (InCidr(addr, t[j]), j + 1);
    }

    Outcome Verdict(string? verdict, Packet p)
    {
        if (verdict is null) return Outcome.Continue;
        var parts = verdict.Split(' ');
        switch (parts[0])
        {
            case "jump": { var o = Run(parts[1], p); return o; }
            case "goto": { var o = Run(parts[1], p); return o == Outcome.Continue ? Outcome.Return : o; }
            case "drop": return Outcome.Drop;
            case "reject": // reject [with tcp reset | with icmp type X]
                p.RejectedWith = parts.Length > 2 && parts[1] == "with" ? string.Join(' ', parts[2..]) : "icmp port-unreachable";
                return Outcome.Reject;
            case "accept": return Outcome.Accept;
            case "return": return Outcome.Return;
        }
        throw new InvalidOperationException($"tracer does not understand \"{verdict}\"");
    }

    /// <summary>A map's value for the key; with <paramref name="present"/>, "" for a set element that exists.</summary>
    string? Lookup(string setRef, string key, bool present = false) =>
        _table.Sets.TryGetValue(setRef.TrimStart('@'), out var map) && map.Elements.TryGetValue(key, out var v) ? (present ? v ?? "" : v) : null;

    string DynamicKey(string set) => $"{_table.Name} {set}";

    static Packet Copy(Packet p)
    {
        var c = new Packet { Saddr = p.Saddr, Daddr = p.Daddr, Proto = p.Proto, Dport = p.Dport, Mark = p.Mark, Masquerade = p.Masquerade, Probe = true };
        return c;
    }

    static uint Hex(string s) => s.StartsWith("0x") ? Convert.ToUInt32(s[2..], 16) : uint.Parse(s);

    static bool InCidr(string ip, string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (slash < 0) return ip == cidr;
        var bits = int.Parse(cidr[(slash + 1)..]);
        var a = ToUInt(IPAddress.Parse(ip));
        var n = ToUInt(IPAddress.Parse(cidr[..slash]));
        var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
        return (a & mask) == (n & mask);
    }

    static uint ToUInt(IPAddress a) { var b = a.GetAddressBytes(); return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]); }
}
