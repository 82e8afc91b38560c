namespace Podway.Storage.Memory;

/// <summary>Orders objects of one resource by (namespace, name), ordinal, the order List returns them in.</summary>
internal sealed class KeyOrder : IComparer<StoredObject>
{
    public static readonly KeyOrder Instance = new();

    public int Compare(StoredObject? x, StoredObject? y)
    {
        int byNamespace = string.CompareOrdinal(x!.Namespace, y!.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(x.Name, y.Name);
    }

    /// <summary>A key-only object for binary searches.</summary>
    public static StoredObject Probe(string resource, string ns, string name) => new(resource, ns, name, 0, []);
}
