using System.Text;

namespace Podway.Proxy.Nft;

/// <summary>
/// One atomic nftables change, in knftables' style: callers add operations, the first invalid one is kept as the
/// error (later operations are ignored), and <see cref="Script"/> is exactly what `nft -f -` receives. Every line
/// is one operation, so <see cref="Operations"/> is what a sync "sent". <see cref="On"/> gives a view of the same
/// transaction that writes to another table, so one commit can change several tables atomically.
/// </summary>
public sealed class NftTransaction
{
    sealed class Batch
    {
        public readonly StringBuilder Script = new();
        public int Operations;
        public string? Error;
    }

    readonly Batch _batch;

    public NftTransaction(string family, string table) : this(family, table, new Batch()) { }

    NftTransaction(string family, string table, Batch batch)
    {
        Family = family;
        Table = table;
        _batch = batch;
    }

    public string Family { get; }
    public string Table { get; }
    public int Operations => _batch.Operations;
    /// <summary>The first invalid operation; a transaction with an error must not be run.</summary>
    public string? Error => _batch.Error;
    public string Script => _batch.Script.ToString();

    /// <summary>The same transaction (same script, same error), writing to <paramref name="table"/> of the same family.</summary>
    public NftTransaction On(string table)
    {
        if (table == Table) return this;
        var other = new NftTransaction(Family, table, _batch);
        other.CheckName(table);
        return other;
    }

    public void AddTable(string? comment = null) =>
        Emit($"add table {Family} {Table}" + (comment is null ? "" : $" {{ comment \"{comment}\" ; }}"));
    public void DeleteTable() => Emit($"delete table {Family} {Table}");

    /// <summary>Adds a regular chain, or a base chain when <paramref name="hook"/> is given.</summary>
    public void AddChain(string name, BaseChain? hook = null)
    {
        if (!CheckName(name)) return;
        Emit(hook is null
            ? $"add chain {Family} {Table} {name}"
            : $"add chain {Family} {Table} {name} {{ type {hook.Type} hook {hook.Hook} priority {hook.Priority} ; }}");
    }

    public void FlushChain(string name) { if (CheckName(name)) Emit($"flush chain {Family} {Table} {name}"); }
    public void DeleteChain(string name) { if (CheckName(name)) Emit($"delete chain {Family} {Table} {name}"); }

    public void AddRule(string chain, string rule)
    {
        if (!CheckName(chain)) return;
        if (string.IsNullOrWhiteSpace(rule) || rule.Contains('\n')) { Fail($"invalid rule for chain {chain}: \"{rule}\""); return; }
        Emit($"add rule {Family} {Table} {chain} {rule}");
    }

    /// <summary>Deletes one rule by the handle nft gave it (<see cref="INftables.ListChainWithHandlesAsync"/> shows it).</summary>
    public void DeleteRule(string chain, long handle) { if (CheckName(chain)) Emit($"delete rule {Family} {Table} {chain} handle {handle}"); }

    /// <summary>A set (<paramref name="isMap"/> false) or map; type e.g. "ipv4_addr . inet_proto . inet_service : verdict".</summary>
    public void AddSet(string name, string type, bool isMap = false, string? flags = null, int? timeoutSeconds = null, string? comment = null)
    {
        if (!CheckName(name)) return;
        var spec = new StringBuilder($"type {type} ;");
        if (flags is not null) spec.Append($" flags {flags} ;");
        if (timeoutSeconds is not null) spec.Append($" timeout {timeoutSeconds}s ;");
        if (comment is not null) spec.Append($" comment \"{comment}\" ;");
        Emit($"add {(isMap ? "map" : "set")} {Family} {Table} {name} {{ {spec} }}");
    }

    public void FlushSet(string name, bool isMap) { if (CheckName(name)) Emit($"flush {(isMap ? "map" : "set")} {Family} {Table} {name}"); }
    public void DeleteSet(string name, bool isMap) { if (CheckName(name)) Emit($"delete {(isMap ? "map" : "set")} {Family} {Table} {name}"); }

    /// <summary>Adds a set element (<paramref name="value"/> null) or a map element "key : value".</summary>
    public void AddElement(string set, string key, string? value = null)
    {
        if (!CheckName(set)) return;
        Emit($"add element {Family} {Table} {set} {{ {key}{(value is null ? "" : " : " + value)} }}");
    }

    public void DeleteElement(string set, string key) { if (CheckName(set)) Emit($"delete element {Family} {Table} {set} {{ {key} }}"); }

    /// <summary>A named counter: rules refer to it by name, so it keeps counting when they are rewritten.</summary>
    public void AddCounter(string name) { if (CheckName(name)) Emit($"add counter {Family} {Table} {name}"); }
    public void DeleteCounter(string name) { if (CheckName(name)) Emit($"delete counter {Family} {Table} {name}"); }

    bool CheckName(string name)
    {
        if (name.Length is > 0 and <= 256 && !name.Any(c => char.IsWhiteSpace(c) || c is '{' or '}' or ';' or '"')) return true;
        Fail($"invalid nftables object name \"{name}\"");
        return false;
    }

    void Fail(string message) => _batch.Error ??= message;

    void Emit(string line)
    {
        if (_batch.Error is not null) return;
        _batch.Script.Append(line).Append('\n');
        _batch.Operations++;
    }
}

/// <summary>Base chain hook: type (filter, nat), hook (prerouting, input, forward, output, postrouting), numeric priority.</summary>
public sealed record BaseChain(string Type, string Hook, int Priority);
