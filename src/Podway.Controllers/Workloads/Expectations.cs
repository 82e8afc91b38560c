using System.Collections.Concurrent;

namespace Podway.Controllers.Workloads;

/// <summary>
/// kube's ControllerExpectations: a controller that fired N creates or deletes waits until its informer has seen
/// them before it counts again, so it never over-creates while its own writes are in flight. Expectations
/// expire after five minutes (kube's ExpectationsTimeout) in case an event is lost.
/// </summary>
internal sealed class Expectations
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    sealed class Record
    {
        public int Adds, Deletes;
        public readonly HashSet<string> DeleteKeys = [];
        public DateTimeOffset Timestamp = DateTimeOffset.UtcNow;
    }

    readonly ConcurrentDictionary<string, Record> _records = new();

    public bool Satisfied(string controllerKey)
    {
        if (!_records.TryGetValue(controllerKey, out var r)) return true;
        lock (r) return (r.Adds <= 0 && r.Deletes <= 0) || DateTimeOffset.UtcNow - r.Timestamp > Timeout;
    }

    public void ExpectCreations(string controllerKey, int count) =>
        _records[controllerKey] = new Record { Adds = count };

    public void ExpectDeletions(string controllerKey, IEnumerable<string> podKeys)
    {
        var r = new Record();
        foreach (var key in podKeys) r.DeleteKeys.Add(key);
        r.Deletes = r.DeleteKeys.Count;
        _records[controllerKey] = r;
    }

    public void CreationObserved(string controllerKey)
    {
        if (_records.TryGetValue(controllerKey, out var r)) lock (r) r.Adds--;
    }

    public void DeletionObserved(string controllerKey, string podKey)
    {
        if (_records.TryGetValue(controllerKey, out var r)) lock (r) if (r.DeleteKeys.Remove(podKey)) r.Deletes--;
    }

    public void Delete(string controllerKey) => _records.TryRemove(controllerKey, out _);
}
