namespace Podway.Proxy.Nft;

/// <summary>The in-memory state of one nftables table, as the fake keeps it (and as `nft list table` would show it).</summary>
public sealed class FakeTable
{
    public required string Family { get; init; }
    public required string Name { get; init; }
    public Dictionary<string, FakeChain> Chains { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, FakeSet> Sets { get; } = new(StringComparer.Ordinal);

    public FakeTable Clone()
    {
        var copy = new FakeTable { Family = Family, Name = Name };
        foreach (var (k, c) in Chains) copy.Chains[k] = new FakeChain { Name = c.Name, Hook = c.Hook, Rules = [.. c.Rules] };
        foreach (var (k, s) in Sets)
            copy.Sets[k] = new FakeSet { Name = s.Name, Type = s.Type, IsMap = s.IsMap, Flags = s.Flags, TimeoutSeconds = s.TimeoutSeconds, Elements = new(s.Elements) };
        return copy;
    }

    /// <summary>A canonical dump (chains and sets sorted by name, rules in order) for golden tests.</summary>
    public string Dump()
    {
        var lines = new List<string> { $"table {Family} {Name}" };
        foreach (var s in Sets.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            lines.Add($"{(s.IsMap ? "map" : "set")} {s.Name} {{ type {s.Type}{(s.Flags is null ? "" : $" ; flags {s.Flags}")}{(s.TimeoutSeconds is null ? "" : $" ; timeout {s.TimeoutSeconds}s")} }}");
            foreach (var (k, v) in s.Elements.OrderBy(e => e.Key, StringComparer.Ordinal))
                lines.Add($"  element {k}{(v is null ? "" : " : " + v)}");
        }
        foreach (var c in Chains.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            lines.Add($"chain {c.Name}{(c.Hook is null ? "" : $" {{ type {c.Hook.Type} hook {c.Hook.Hook} priority {c.Hook.Priority} }}")}");
            foreach (var r in c.Rules) lines.Add("  " + r);
        }
        return string.Join('\n', lines) + "\n";
    }
}

public sealed class FakeChain
{
    public required string Name { get; init; }
    public BaseChain? Hook { get; init; }
    public List<string> Rules { get; init; } = [];
}

public sealed class FakeSet
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public bool IsMap { get; init; }
    public string? Flags { get; init; }
    public int? TimeoutSeconds { get; init; }
    /// <summary>Key to value (null for a set's elements).</summary>
    public Dictionary<string, string?> Elements { get; init; } = new(StringComparer.Ordinal);
}
