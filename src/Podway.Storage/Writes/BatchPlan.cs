using Podway.Storage.Memory;

namespace Podway.Storage.Writes;

/// <summary>
/// Checks a batch's requests in order against the published state plus the batch's own earlier writes and
/// assigns each accepted write the next revision. Rejected requests fail right away; nothing is published.
/// </summary>
internal sealed class BatchPlan
{
    private readonly BatchWorkingSet _working;
    private readonly List<(WriteRequest Request, WatchEvent Event)> _accepted = [];

    public BatchPlan(StoreSnapshot baseline, IEnumerable<WriteRequest> requests)
    {
        _working = new BatchWorkingSet(baseline);
        Revision = baseline.Revision;
        foreach (var request in requests) Plan(request);
    }

    /// <summary>The revision the store reaches if this batch commits.</summary>
    public long Revision { get; private set; }

    public IReadOnlyList<(WriteRequest Request, WatchEvent Event)> Accepted => _accepted;

    public StoreSnapshot BuildSnapshot() => _working.Build(Revision);

    private void Plan(WriteRequest request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            request.Completion.TrySetCanceled(request.CancellationToken);
            return;
        }
        var current = _working.Find(request.Resource, request.Namespace, request.Name);
        var error = Check(request, current);
        if (error is not null)
        {
            request.Completion.TrySetException(error);
            return;
        }
        try
        {
            long revision = Revision + 1;
            var ev = request.Kind switch
            {
                WriteKind.Create => new WatchEvent(WatchEventType.Added, Stored(request, request.Object!, revision), null),
                WriteKind.Update => new WatchEvent(WatchEventType.Modified, Stored(request, request.Object!, revision), current),
                _ => new WatchEvent(WatchEventType.Deleted, Stored(request, current!.Parse(), revision), current),
            };
            if (ev.Type == WatchEventType.Deleted) _working.Remove(ev.Object);
            else _working.Put(ev.Object);
            Revision = revision;
            _accepted.Add((request, ev));
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or InvalidOperationException)
        {
            request.Completion.TrySetException(ex);
        }
    }

    private static StoreConflictException? Check(WriteRequest request, StoredObject? current)
    {
        if (request.Kind == WriteKind.Create)
            return current is null ? null : request.Conflict(StoreErrorKind.AlreadyExists);
        if (current is null) return request.Conflict(StoreErrorKind.NotFound);
        if (request.ExpectedRevision is { } expected && expected != current.Revision) return request.Conflict(StoreErrorKind.Conflict);
        return null;
    }

    private static StoredObject Stored(WriteRequest request, System.Text.Json.Nodes.JsonObject obj, long revision) =>
        new(request.Resource, request.Namespace, request.Name, revision, ResourceVersionStamp.Apply(obj, revision));
}
