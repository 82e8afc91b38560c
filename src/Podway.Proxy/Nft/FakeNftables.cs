using System.Text.RegularExpressions;

namespace Podway.Proxy.Nft;

/// <summary>
/// An nftables that behaves like the kernel for the scripts podway writes: it parses each script line by line into
/// an in-memory ruleset, applies the whole transaction or nothing, and refuses what the kernel refuses (a rule in
/// a missing chain, a jump or map verdict to a missing chain, deleting a chain that still has rules or is
/// referenced, deleting a missing element, re-adding a map key with a different value). Tests assert on
/// <see cref="Tables"/> and trace packets through it with <see cref="NftTracer"/>.
/// </summary>
public sealed partial class FakeNftables : INftables
{
    readonly Lock _gate = new();
    Dictionary<string, FakeTable> _tables = new(StringComparer.Ordinal);

    /// <summary>Every transaction that was applied, in order (tests count operations per sync).</summary>
    public List<NftTransaction> Applied { get; } = [];
    /// <summary>When set, the next transaction fails with this message (then the hook clears itself).</summary>
    public string? FailNext { get; set; }

    public IReadOnlyDictionary<string, FakeTable> Tables { get { lock (_gate) return new Dictionary<string, FakeTable>(_tables); } }

    public FakeTable? Table(string family, string name) { lock (_gate) return _tables.GetValueOrDefault($"{family} {name}"); }

    public Task RunAsync(NftTransaction tx, CancellationToken ct = default)
    {
        if (tx.Error is not null) throw new NftException($"transaction not run: {tx.Error}");
        lock (_gate)
        {
            if (FailNext is { } failure) { FailNext = null; throw new NftException(failure); }
            var work = _tables.ToDictionary(kv => kv.Key, kv => kv.Value.Clone(), StringComparer.Ordinal);
            var lineNo = 0;
            foreach (var line in tx.Script.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                lineNo++;
                try { Apply(work, line); }
                catch (NftException e) { throw new NftException($"line {lineNo}: {line}\n{e.Message}"); }
            }
            foreach (var t in work.Values) CheckReferences(t);
            _tables = work;
            Applied.Add(tx);
        }
        return Task.CompletedTask;
    }

    static void Apply(Dictionary<string, FakeTable> tables, string line)
    {
        var m = LineRegex().Match(line);
        if (!m.Success) throw new NftException("syntax error");
        var (verb, kind, family, table, rest) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value.Trim());
        var key = $"{family} {table}";
        if (kind == "table")
        {
            switch (verb)
            {
                case "add": tables.TryAdd(key, new FakeTable { Family = family, Name = table }); return;
                case "delete": if (!tables.Remove(key)) throw NoSuch("table", table); return;
                case "flush":
                    var ft = Get(tables, key, table);
                    foreach (var c in ft.Chains.Values) c.Rules.Clear();
                    foreach (var s in ft.Sets.Values) s.Elements.Clear();
                    return;
            }
            throw new NftException($"unsupported: {verb} table");
        }
        var t = Get(tables, key, table);
        var (name, tail) = SplitFirst(rest);
        switch (verb, kind)
        {
            case ("add", "chain"):
                var hook = ChainSpecRegex().Match(tail);
                if (!t.Chains.ContainsKey(name))
                    t.Chains[name] = new FakeChain { Name = name, Hook = hook.Success ? new BaseChain(hook.Groups[1].Value, hook.Groups[2].Value, int.Parse(hook.Groups[3].Value)) : null };
                return;
            case ("flush", "chain"): Chain(t, name).Rules.Clear(); return;
            case ("delete", "chain"):
                if (Chain(t, name).Rules.Count > 0) throw new NftException($"Could not process rule: Device or resource busy (chain {name} has rules)");
                if (ReferencesTo(t, name).FirstOrDefault() is { } user) throw new NftException($"Could not process rule: Device or resource busy (chain {name} is referenced by {user})");
                t.Chains.Remove(name);
                return;
            case ("add", "rule"):
                var chain = Chain(t, name);
                foreach (var target in ChainTargets(tail)) if (!t.Chains.ContainsKey(target)) throw NoSuch("chain", target);
                foreach (var set in SetRefRegex().Matches(tail).Select(x => x.Groups[1].Value)) if (!t.Sets.ContainsKey(set)) throw NoSuch("set", set);
                if (TcpResetForOtherProtocol().IsMatch(tail)) throw new NftException("Error: you cannot use tcp reset with this protocol");
                chain.Rules.Add(tail);
                return;
            case ("add", "set") or ("add", "map"):
                var spec = SetSpecRegex().Match(tail);
                if (!spec.Success) throw new NftException("syntax error in set specification");
                if (!t.Sets.ContainsKey(name))
                    t.Sets[name] = new FakeSet
                    {
                        Name = name, IsMap = kind == "map", Type = spec.Groups[1].Value.Trim(),
                        Flags = spec.Groups[2].Success ? spec.Groups[2].Value : null,
                        TimeoutSeconds = spec.Groups[3].Success ? int.Parse(spec.Groups[3].Value) : null,
                    };
                return;
            case ("flush", "set") or ("flush", "map"): Set(t, name, kind).Elements.Clear(); return;
            case ("delete", "set") or ("delete", "map"):
                if (t.Chains.Values.SelectMany(c => c.Rules).Any(r => r.Contains("@" + name + " ") || r.EndsWith("@" + name, StringComparison.Ordinal)))
                    throw new NftException($"Could not process rule: Device or resource busy (set {name} is referenced)");
                Set(t, name, kind);
                t.Sets.Remove(name);
                return;
            case ("add", "element"):
            {
                var s = Set(t, name, null);
                var (k, v) = Element(tail, s.IsMap);
                if (v is not null) foreach (var target in ChainTargets(v)) if (!t.Chains.ContainsKey(target)) throw NoSuch("chain", target);
                if (s.Elements.TryGetValue(k, out var existing) && existing != v)
                    throw new NftException($"Could not process rule: Device or resource busy (element {k} exists with {existing})");
                s.Elements[k] = v;
                return;
            }
            case ("delete", "element"):
            {
                var s = Set(t, name, null);
                var (k, _) = Element(tail, false);
                if (!s.Elements.Remove(k)) throw NoSuch("element", k);
                return;
            }
        }
        throw new NftException($"unsupported: {verb} {kind}");
    }

    /// <summary>The kernel checks at commit that no verdict points at a chain that is gone.</summary>
    static void CheckReferences(FakeTable t)
    {
        foreach (var c in t.Chains.Values)
            foreach (var r in c.Rules)
                foreach (var target in ChainTargets(r))
                    if (!t.Chains.ContainsKey(target)) throw NoSuch("chain", target);
    }

    static IEnumerable<string> ReferencesTo(FakeTable t, string chain)
    {
        foreach (var c in t.Chains.Values)
            if (c.Rules.Any(r => ChainTargets(r).Contains(chain))) yield return "chain " + c.Name;
        foreach (var s in t.Sets.Values)
            if (s.Elements.Values.Any(v => v is not null && ChainTargets(v).Contains(chain))) yield return "map " + s.Name;
    }

    internal static IEnumerable<string> ChainTargets(string text) => TargetRegex().Matches(text).Select(m => m.Groups[2].Value);

    static (string Key, string? Value) Element(string braces, bool isMap)
    {
        var inner = braces.Trim();
        if (!inner.StartsWith('{') || !inner.EndsWith('}')) throw new NftException("syntax error in element");
        inner = inner[1..^1].Trim();
        var colon = inner.IndexOf(" : ", StringComparison.Ordinal);
        return isMap && colon > 0 ? (inner[..colon].Trim(), inner[(colon + 3)..].Trim()) : (inner, null);
    }

    static (string First, string Remainder) SplitFirst(string s)
    {
        var i = s.IndexOf(' ');
        return i < 0 ? (s, "") : (s[..i], s[(i + 1)..].Trim());
    }

    static FakeTable Get(Dictionary<string, FakeTable> tables, string key, string name) =>
        tables.GetValueOrDefault(key) ?? throw NoSuch("table", name);

    static FakeChain Chain(FakeTable t, string name) => t.Chains.GetValueOrDefault(name) ?? throw NoSuch("chain", name);

    static FakeSet Set(FakeTable t, string name, string? kind) =>
        t.Sets.GetValueOrDefault(name) is { } s && (kind is null || s.IsMap == (kind == "map")) ? s : throw NoSuch(kind ?? "set", name);

    static NftException NoSuch(string what, string name) => new($"Error: No such file or directory ({what} {name})");

    /// <summary>nft refuses a TCP reset after a match on another protocol (without a match it adds `meta l4proto tcp` itself).</summary>
    [GeneratedRegex(@"(meta l4proto|ip protocol) (?!tcp\b)\S+ .*reject with tcp reset")]
    private static partial Regex TcpResetForOtherProtocol();

    [GeneratedRegex(@"^(add|delete|flush) (table|chain|rule|set|map|element) (\S+) (\S+)(.*)$")]
    private static partial Regex LineRegex();
    [GeneratedRegex(@"\{ type (\w+) hook (\w+) priority (-?\d+) ; \}")]
    private static partial Regex ChainSpecRegex();
    [GeneratedRegex(@"\{ type ([^;]+) ;(?: flags ([^; ]+) ;)?(?: timeout (\d+)s ;)?(?: comment ""[^""]*"" ;)? \}")]
    private static partial Regex SetSpecRegex();
    [GeneratedRegex(@"\b(goto|jump) ([^\s,}]+)")]
    private static partial Regex TargetRegex();
    [GeneratedRegex(@"@([^\s,}]+)")]
    private static partial Regex SetRefRegex();
}
