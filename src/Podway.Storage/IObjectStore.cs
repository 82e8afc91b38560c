using System.Text.Json.Nodes;

namespace Podway.Storage;

/// <summary>
/// The versioned object store behind the API server: one global, monotonic resourceVersion, every
/// acknowledged write durable, and a watch history long enough that a list's resourceVersion stays watchable.
/// Keys are (resource, namespace, name); resource is ResourceType.StorageKey and namespace is "" for
/// cluster-scoped objects. Stored objects carry metadata.resourceVersion as the store assigned it.
/// </summary>
public interface IObjectStore : IAsyncDisposable
{
    /// <summary>The resourceVersion of the newest committed write.</summary>
    long CurrentRevision { get; }

    StoredObject? Get(string resource, string ns, string name);

    /// <summary>
    /// Objects of a resource (in one namespace, or all when ns is null) ordered by (namespace, name), starting
    /// after the key in <paramref name="after"/>, keeping those that pass <paramref name="filter"/>, at most
    /// <paramref name="limit"/> (0 = all). Revision is the store's revision the list is consistent with.
    /// </summary>
    ListResult List(string resource, string? ns, ObjectKey? after = null, int limit = 0, Func<StoredObject, bool>? filter = null);

    /// <summary>Fails with StoreConflictException(AlreadyExists) if the key exists.</summary>
    Task<StoredObject> CreateAsync(string resource, string ns, string name, JsonObject obj, CancellationToken ct = default);

    /// <summary>Replaces the object; when expectedRevision is set it must equal the stored one (else Conflict). NotFound if absent.</summary>
    Task<StoredObject> UpdateAsync(string resource, string ns, string name, JsonObject obj, long? expectedRevision, CancellationToken ct = default);

    /// <summary>Removes the object and returns its last state (resourceVersion set to the deletion's revision).</summary>
    Task<StoredObject> DeleteAsync(string resource, string ns, string name, long? expectedRevision, CancellationToken ct = default);

    /// <summary>
    /// Events for a resource (one namespace or all) with revision greater than <paramref name="fromRevision"/>;
    /// fromRevision 0 means "from now". Throws StoreExpiredException when that revision is older than the history kept.
    /// </summary>
    IWatchSubscription Watch(string resource, string? ns, long fromRevision);
}

public readonly record struct ObjectKey(string Namespace, string Name);

/// <summary>An object as stored: its key, revision and UTF-8 JSON (immutable; parse to change it).</summary>
public sealed record StoredObject(string Resource, string Namespace, string Name, long Revision, byte[] Json)
{
    public JsonObject Parse() => (JsonObject)JsonNode.Parse(Json)!;
}

public sealed record ListResult(IReadOnlyList<StoredObject> Items, long Revision, ObjectKey? Continue);

public enum WatchEventType { Added, Modified, Deleted }

/// <summary>A committed change. Previous is the object before the change (null for Added), so filtered watches can tell enter from leave.</summary>
public sealed record WatchEvent(WatchEventType Type, StoredObject Object, StoredObject? Previous);

public interface IWatchSubscription : IDisposable
{
    /// <summary>Events in revision order; completes when the subscription is disposed or the store closes.</summary>
    IAsyncEnumerable<WatchEvent> ReadAllAsync(CancellationToken ct = default);
}

public enum StoreErrorKind { NotFound, AlreadyExists, Conflict }

public sealed class StoreConflictException(StoreErrorKind kind, string resource, string ns, string name)
    : Exception($"{kind}: {resource} {ns}/{name}")
{
    public StoreErrorKind Kind { get; } = kind;
    public string Resource { get; } = resource;
    public string Namespace { get; } = ns;
    public string Name { get; } = name;
}

public sealed class StoreExpiredException(long requested, long oldest)
    : Exception($"too old resource version: {requested} ({oldest})")
{
    public long Requested { get; } = requested;
    public long Oldest { get; } = oldest;
}
