using System.Text.Json.Nodes;

namespace Podway.Storage.Writes;

internal enum WriteKind { Create, Update, Delete }

/// <summary>One queued write. <see cref="Object"/> is the caller's object deep-copied, so the writer may stamp it.</summary>
internal sealed class WriteRequest(WriteKind kind, string resource, string ns, string name, JsonObject? obj, long? expectedRevision, CancellationToken ct)
{
    public WriteKind Kind { get; } = kind;
    public string Resource { get; } = resource;
    public string Namespace { get; } = ns;
    public string Name { get; } = name;
    public JsonObject? Object { get; } = obj;
    public long? ExpectedRevision { get; } = expectedRevision;
    public CancellationToken CancellationToken { get; } = ct;

    public TaskCompletionSource<StoredObject> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StoreConflictException Conflict(StoreErrorKind errorKind) => new(errorKind, Resource, Namespace, Name);
}
