using System.Collections.Immutable;

namespace Podway.Storage.Memory;

/// <summary>
/// Every object as of one revision. Immutable, so readers take the current reference and never block the
/// writer; each resource is its own sorted list, so listing one resource never touches another.
/// </summary>
internal sealed class StoreSnapshot(long revision, ImmutableDictionary<string, ImmutableList<StoredObject>> resources)
{
    public static StoreSnapshot Empty(long revision) =>
        new(revision, ImmutableDictionary.Create<string, ImmutableList<StoredObject>>(StringComparer.Ordinal));

    public long Revision { get; } = revision;

    public ImmutableDictionary<string, ImmutableList<StoredObject>> Resources { get; } = resources;

    public StoredObject? Get(string resource, string ns, string name)
    {
        if (!Resources.TryGetValue(resource, out var items)) return null;
        int index = items.BinarySearch(KeyOrder.Probe(resource, ns, name), KeyOrder.Instance);
        return index >= 0 ? items[index] : null;
    }

    public ListResult List(string resource, string? ns, ObjectKey? after, int limit, Func<StoredObject, bool>? filter)
    {
        if (!Resources.TryGetValue(resource, out var items)) return new ListResult([], Revision, null);

        int start = ns is null ? 0 : FirstIndexAfter(items, KeyOrder.Probe(resource, ns, ""), inclusive: true);
        if (after is { } key) start = Math.Max(start, FirstIndexAfter(items, KeyOrder.Probe(resource, key.Namespace, key.Name), inclusive: false));

        var page = new List<StoredObject>(limit > 0 ? Math.Min(limit, items.Count - start) : Math.Max(0, items.Count - start));
        bool more = false;
        // Index access on the AVL-backed list is O(log n); enumerating from an offset is not offered.
        for (int i = start; i < items.Count; i++)
        {
            var item = items[i];
            if (ns is not null && !string.Equals(item.Namespace, ns, StringComparison.Ordinal)) break;
            if (filter is not null && !filter(item)) continue;
            if (limit > 0 && page.Count == limit) { more = true; break; }
            page.Add(item);
        }
        ObjectKey? next = more ? new ObjectKey(page[^1].Namespace, page[^1].Name) : null;
        return new ListResult(page, Revision, next);
    }

    /// <summary>Index of the first item at or after (inclusive) / strictly after (exclusive) the probe's key.</summary>
    private static int FirstIndexAfter(ImmutableList<StoredObject> items, StoredObject probe, bool inclusive)
    {
        int index = items.BinarySearch(probe, KeyOrder.Instance);
        if (index < 0) return ~index;
        return inclusive ? index : index + 1;
    }
}
