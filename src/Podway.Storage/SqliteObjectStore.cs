using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Podway.Storage.Memory;
using Podway.Storage.Sqlite;
using Podway.Storage.Watch;
using Podway.Storage.Writes;

namespace Podway.Storage;

/// <summary>
/// The object store on one SQLite file. SQLite is the durable truth; every object is also held in memory
/// (like kube-apiserver's watch cache) so Get, List and Watch never touch the disk or wait for writers.
/// All writes go through one writer loop that commits queued requests together (group commit): a request
/// is acknowledged only after its transaction is durable and its event is published.
/// </summary>
public sealed class SqliteObjectStore : IObjectStore
{
    private readonly SqliteStoreFile _file;
    private readonly StoreOptions _options;
    private readonly WatchHub _watch;
    private readonly Channel<WriteRequest> _queue = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private StoreSnapshot _snapshot;
    private int _disposed;

    private SqliteObjectStore(SqliteStoreFile file, StoreOptions options, StoreSnapshot loaded)
    {
        _file = file;
        _options = options;
        _snapshot = loaded;
        _watch = new WatchHub(options, loaded.Revision);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Opens (or creates) the store at <paramref name="path"/> and loads every object into memory.</summary>
    /// <exception cref="StoreOpenException">The file is unreadable, corrupt, or of an unknown schema version.</exception>
    public static Task<SqliteObjectStore> OpenAsync(string path, StoreOptions? options = null) =>
        Task.Run(() =>
        {
            options ??= StoreOptions.Default;
            if (options.MaxBatchSize < 1 || options.WatchBufferSize < 1)
                throw new ArgumentOutOfRangeException(nameof(options), "MaxBatchSize and WatchBufferSize must be positive");
            var file = SqliteStoreFile.Open(path, options.BusyTimeout);
            try
            {
                return new SqliteObjectStore(file, options, Load(file));
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                file.Dispose();
                throw new StoreOpenException(file.Path, $"unreadable or corrupt database ({ex.Message})", ex);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        });

    /// <summary>The database file this store writes.</summary>
    public string Path => _file.Path;

    public long CurrentRevision => Volatile.Read(ref _snapshot).Revision;

    public StoredObject? Get(string resource, string ns, string name) => Volatile.Read(ref _snapshot).Get(resource, ns, name);

    public ListResult List(string resource, string? ns, ObjectKey? after = null, int limit = 0, Func<StoredObject, bool>? filter = null) =>
        Volatile.Read(ref _snapshot).List(resource, ns, after, limit, filter);

    public Task<StoredObject> CreateAsync(string resource, string ns, string name, JsonObject obj, CancellationToken ct = default) =>
        Enqueue(WriteKind.Create, resource, ns, name, obj ?? throw new ArgumentNullException(nameof(obj)), null, ct);

    public Task<StoredObject> UpdateAsync(string resource, string ns, string name, JsonObject obj, long? expectedRevision, CancellationToken ct = default) =>
        Enqueue(WriteKind.Update, resource, ns, name, obj ?? throw new ArgumentNullException(nameof(obj)), expectedRevision, ct);

    public Task<StoredObject> DeleteAsync(string resource, string ns, string name, long? expectedRevision, CancellationToken ct = default) =>
        Enqueue(WriteKind.Delete, resource, ns, name, null, expectedRevision, ct);

    public IWatchSubscription Watch(string resource, string? ns, long fromRevision)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromRevision);
        return _watch.Subscribe(resource, ns, fromRevision);
    }

    /// <summary>Finishes every queued write, ends all watches and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _watch.Close();
        _file.Dispose();
    }

    internal int HistoryCount => _watch.HistoryCount;

    private Task<StoredObject> Enqueue(WriteKind kind, string resource, string ns, string name, JsonObject? obj, long? expected, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (ct.IsCancellationRequested) return Task.FromCanceled<StoredObject>(ct);
        // The copy is made on the caller's thread so the single writer only stamps and serializes.
        var request = new WriteRequest(kind, resource, ns, name, (JsonObject?)obj?.DeepClone(), expected, ct);
        if (!_queue.Writer.TryWrite(request)) throw new ObjectDisposedException(nameof(SqliteObjectStore));
        return request.Completion.Task;
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<WriteRequest>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var request)) batch.Add(request);
            try
            {
                CommitBatch(batch);
            }
            catch (Exception ex)
            {
                // Defensive: whatever escaped, no caller may wait forever.
                foreach (var request in batch) request.Completion.TrySetException(ex);
            }
            batch.Clear();
        }
    }

    private void CommitBatch(List<WriteRequest> batch)
    {
        var plan = new BatchPlan(_snapshot, batch);
        if (plan.Accepted.Count == 0) return;

        var events = plan.Accepted.Select(a => a.Event).ToArray();
        try
        {
            _file.Commit(events, plan.Revision);
        }
        catch (Exception ex)
        {
            // Nothing was published and the transaction rolled back: the store is as it was before the batch.
            foreach (var (request, _) in plan.Accepted) request.Completion.TrySetException(ex);
            return;
        }

        var next = plan.BuildSnapshot();
        _watch.Publish(events, plan.Revision, () => Volatile.Write(ref _snapshot, next));
        foreach (var (request, ev) in plan.Accepted) request.Completion.TrySetResult(ev.Object);
    }

    private static StoreSnapshot Load(SqliteStoreFile file)
    {
        var resources = ImmutableDictionary.CreateBuilder<string, ImmutableList<StoredObject>>(StringComparer.Ordinal);
        long newest = 0;
        foreach (var (resource, objects) in file.LoadAll())
        {
            objects.Sort(KeyOrder.Instance);
            resources[resource] = ImmutableList.CreateRange(objects);
            foreach (var obj in objects) newest = Math.Max(newest, obj.Revision);
        }
        // The stored counter is authoritative (deletes consume revisions too); max() guards a hand-edited file.
        long revision = Math.Max(file.ReadRevision(), newest);
        return new StoreSnapshot(revision, resources.ToImmutable());
    }
}
