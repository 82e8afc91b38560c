using System.Text.Json.Nodes;

namespace Podway.Client;

/// <summary>
/// client-go's ThreadSafeStore: objects by "namespace/name" plus named indexes (index value → keys).
/// Objects handed out are the cached instances: treat them as read-only and DeepClone before changing.
/// </summary>
public sealed class InformerCache
{
    public const string NamespaceIndex = "namespace";
    public const string OwnerUidIndex = "owner-uid";
    public const string UidIndex = "uid";

    readonly Lock _gate = new();
    readonly Dictionary<string, JsonObject> _items = [];
    readonly Dictionary<string, Func<JsonObject, IEnumerable<string>>> _indexers = new()
    {
        [NamespaceIndex] = o => [ObjectMeta.Namespace(o)],
        [OwnerUidIndex] = o => ObjectMeta.OwnerReferences(o).Select(r => r["uid"]?.GetValue<string>() ?? "").Where(u => u.Length > 0),
        [UidIndex] = o => [ObjectMeta.Uid(o)],
    };
    readonly Dictionary<string, Dictionary<string, HashSet<string>>> _indices = [];

    public InformerCache()
    {
        foreach (var name in _indexers.Keys) _indices[name] = [];
    }

    /// <summary>Adds an index; existing objects are indexed at once.</summary>
    public void AddIndexer(string name, Func<JsonObject, IEnumerable<string>> indexFunc)
    {
        lock (_gate)
        {
            if (!_indexers.TryAdd(name, indexFunc))
                throw new InvalidOperationException($"indexer \"{name}\" already exists");
            _indices[name] = [];
            foreach (var (key, obj) in _items) IndexOne(name, key, obj);
        }
    }

    public int Count { get { lock (_gate) return _items.Count; } }

    public JsonObject? Get(string key) { lock (_gate) return _items.GetValueOrDefault(key); }

    public JsonObject? Get(string? ns, string name) => Get(ObjectMeta.Key(ns, name));

    public IReadOnlyList<JsonObject> List() { lock (_gate) return [.. _items.Values]; }

    public IReadOnlyList<string> Keys() { lock (_gate) return [.. _items.Keys]; }

    public IReadOnlyList<JsonObject> ByIndex(string indexName, string value)
    {
        lock (_gate)
        {
            if (!_indices.TryGetValue(indexName, out var index))
                throw new ArgumentException($"no indexer \"{indexName}\"", nameof(indexName));
            return index.TryGetValue(value, out var keys) ? [.. keys.Select(k => _items[k])] : [];
        }
    }

    /// <summary>Stores the object and returns the one it replaced.</summary>
    internal JsonObject? Upsert(JsonObject obj)
    {
        var key = ObjectMeta.Key(obj);
        lock (_gate)
        {
            var old = _items.GetValueOrDefault(key);
            if (old is not null) Unindex(key, old);
            _items[key] = obj;
            foreach (var name in _indexers.Keys) IndexOne(name, key, obj);
            return old;
        }
    }

    internal JsonObject? Remove(string key)
    {
        lock (_gate)
        {
            if (!_items.Remove(key, out var old)) return null;
            Unindex(key, old);
            return old;
        }
    }

    void IndexOne(string name, string key, JsonObject obj)
    {
        var index = _indices[name];
        foreach (var value in _indexers[name](obj).Distinct())
        {
            if (!index.TryGetValue(value, out var keys)) index[value] = keys = [];
            keys.Add(key);
        }
    }

    void Unindex(string key, JsonObject obj)
    {
        foreach (var (name, indexFunc) in _indexers)
            foreach (var value in indexFunc(obj).Distinct())
                if (_indices[name].TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                    _indices[name].Remove(value);
    }
}
