using System.Collections.Immutable;

namespace Podway.Storage.Memory;

/// <summary>
/// The state a batch is checked against: the published snapshot plus the batch's own earlier writes.
/// It copies only the resources it touches and publishes nothing until <see cref="Build"/>; a failed
/// commit simply drops it, leaving the published snapshot as it was.
/// </summary>
internal sealed class BatchWorkingSet(StoreSnapshot baseline)
{
    private readonly Dictionary<string, ImmutableList<StoredObject>.Builder> _touched = new(StringComparer.Ordinal);

    public StoredObject? Find(string resource, string ns, string name)
    {
        if (!_touched.TryGetValue(resource, out var builder)) return baseline.Get(resource, ns, name);
        int index = builder.BinarySearch(KeyOrder.Probe(resource, ns, name), KeyOrder.Instance);
        return index >= 0 ? builder[index] : null;
    }

    public void Put(StoredObject obj)
    {
        var builder = Builder(obj.Resource);
        int index = builder.BinarySearch(obj, KeyOrder.Instance);
        if (index >= 0) builder[index] = obj;
        else builder.Insert(~index, obj);
    }

    public void Remove(StoredObject obj)
    {
        var builder = Builder(obj.Resource);
        int index = builder.BinarySearch(obj, KeyOrder.Instance);
        if (index >= 0) builder.RemoveAt(index);
    }

    public StoreSnapshot Build(long revision)
    {
        var resources = baseline.Resources.SetItems(
            _touched.Select(t => KeyValuePair.Create(t.Key, t.Value.ToImmutable())));
        return new StoreSnapshot(revision, resources);
    }

    private ImmutableList<StoredObject>.Builder Builder(string resource)
    {
        if (_touched.TryGetValue(resource, out var builder)) return builder;
        builder = baseline.Resources.TryGetValue(resource, out var items) ? items.ToBuilder() : ImmutableList.CreateBuilder<StoredObject>();
        _touched[resource] = builder;
        return builder;
    }
}
