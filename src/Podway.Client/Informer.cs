using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.Client;

/// <summary>Options of one informer.</summary>
public sealed record InformerOptions
{
    /// <summary>Limit to one namespace; null watches all namespaces.</summary>
    public string? Namespace { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    /// <summary>How often every cached object is re-delivered to OnUpdate(old == new); null or zero disables resync.</summary>
    public TimeSpan? ResyncPeriod { get; init; }
    /// <summary>Where connection trouble is reported; the informer itself keeps retrying.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// client-go's shared informer: lists, then watches from the list's resourceVersion (with bookmarks); keeps a
/// thread-safe indexed cache; calls handlers for each change; re-watches from the last seen resourceVersion when
/// a stream ends; relists on 410 Gone; re-delivers everything every resync period.
/// Handlers run one at a time on the informer's loop, in event order: keep them short (enqueue work).
/// </summary>
public sealed class Informer
{
    static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(800), MaxBackoff = TimeSpan.FromSeconds(30);

    readonly ApiClient _client;
    readonly InformerOptions _options;
    readonly Lock _dispatch = new();
    readonly List<Handler> _handlers = [];
    readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    string? _lastResourceVersion;

    public ResourceType Type { get; }
    public InformerCache Cache { get; } = new();
    public bool HasSynced => _synced.Task.IsCompleted;
    /// <summary>The resourceVersion the cache is consistent with (last list, event or bookmark).</summary>
    public string? LastSyncResourceVersion => Volatile.Read(ref _lastResourceVersion);

    public Informer(ApiClient client, ResourceType type, InformerOptions? options = null)
    {
        _client = client;
        Type = type;
        _options = options ?? new InformerOptions();
    }

    sealed record Handler(Action<JsonObject>? OnAdd, Action<JsonObject, JsonObject>? OnUpdate, Action<JsonObject>? OnDelete);

    /// <summary>Registers handlers; one added after sync first gets OnAdd for everything already cached.</summary>
    public void AddEventHandler(Action<JsonObject>? onAdd = null, Action<JsonObject, JsonObject>? onUpdate = null, Action<JsonObject>? onDelete = null)
    {
        var handler = new Handler(onAdd, onUpdate, onDelete);
        lock (_dispatch)
        {
            _handlers.Add(handler);
            foreach (var obj in Cache.List()) Invoke(() => handler.OnAdd?.Invoke(obj));
        }
    }

    public Task WaitForSyncAsync(CancellationToken ct = default) => _synced.Task.WaitAsync(ct);

    /// <summary>Runs until ct is cancelled; never throws for server trouble, it retries with back-off.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var resync = _options.ResyncPeriod is { } period && period > TimeSpan.Zero ? new PeriodicTimer(period) : null;
        var resyncLoop = resync is null ? Task.CompletedTask : ResyncLoopAsync(resync, ct);
        var needList = true;
        var backoff = MinBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAsync(ct);
                    needList = false;
                }
                var expired = await WatchAsync(ct, () => backoff = MinBackoff);
                if (expired)
                {
                    _options.Log?.Invoke($"{Type.GroupResource}: watch expired at resourceVersion {LastSyncResourceVersion}, relisting");
                    needList = true;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (ApiException e) when (e.Code == 410)
            {
                needList = true;
            }
            catch (Exception e)
            {
                _options.Log?.Invoke($"{Type.GroupResource}: {(needList ? "list" : "watch")} failed: {e.Message}");
                try { await Task.Delay(backoff, ct); }
                catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        await resyncLoop;
    }

    async Task ListAsync(CancellationToken ct)
    {
        var list = await _client.ListAsync(Type, _options.Namespace,
            new ListOptions { LabelSelector = _options.LabelSelector, FieldSelector = _options.FieldSelector }, ct);
        var items = list["items"] is JsonArray a ? a.OfType<JsonObject>().ToList() : [];
        foreach (var item in items)
        {
            // List items may omit kind/apiVersion (kubectl-wire §5); handlers and the cache want them.
            item["kind"] ??= Type.Kind;
            item["apiVersion"] ??= Type.ApiVersion;
        }
        Replace(items, list["metadata"]?["resourceVersion"]?.GetValue<string>());
        _synced.TrySetResult();
    }

    /// <summary>Makes the cache equal to a fresh list, delivering the differences as add/update/delete.</summary>
    internal void Replace(IReadOnlyList<JsonObject> items, string? resourceVersion)
    {
        lock (_dispatch)
        {
            var seen = new HashSet<string>();
            foreach (var item in items)
            {
                seen.Add(ObjectMeta.Key(item));
                var old = Cache.Upsert(item);
                if (old is null) Deliver(h => h.OnAdd?.Invoke(item));
                else if (ObjectMeta.ResourceVersion(old) != ObjectMeta.ResourceVersion(item)) Deliver(h => h.OnUpdate?.Invoke(old, item));
            }
            foreach (var key in Cache.Keys())
                if (!seen.Contains(key) && Cache.Remove(key) is { } gone)
                    Deliver(h => h.OnDelete?.Invoke(gone));
            Volatile.Write(ref _lastResourceVersion, resourceVersion);
        }
    }

    /// <summary>Follows one watch stream; true when it ended with 410 Gone (relist needed).</summary>
    async Task<bool> WatchAsync(CancellationToken ct, Action onProgress)
    {
        var options = new WatchOptions
        {
            ResourceVersion = LastSyncResourceVersion,
            AllowWatchBookmarks = true,
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
            // client-go picks 5-10 minutes at random so that watches of many clients do not all end together.
            TimeoutSeconds = 300 + Random.Shared.Next(300),
        };
        await foreach (var e in _client.WatchAsync(Type, _options.Namespace, options, ct))
        {
            if (e.Type == WatchStreamEventType.Error)
            {
                var error = e.ToApiException();
                if (error.Code == 410) return true;
                throw error;
            }
            Apply(e);
            onProgress();
        }
        return false;
    }

    /// <summary>Applies one watch event to the cache and delivers it.</summary>
    internal void Apply(WatchStreamEvent e)
    {
        lock (_dispatch)
        {
            var obj = e.Object;
            switch (e.Type)
            {
                case WatchStreamEventType.Added:
                case WatchStreamEventType.Modified:
                    var old = Cache.Upsert(obj);
                    if (old is null) Deliver(h => h.OnAdd?.Invoke(obj));
                    else Deliver(h => h.OnUpdate?.Invoke(old, obj));
                    break;
                case WatchStreamEventType.Deleted:
                    Cache.Remove(ObjectMeta.Key(obj));
                    Deliver(h => h.OnDelete?.Invoke(obj));
                    break;
            }
            if (e.ResourceVersion is { } rv) Volatile.Write(ref _lastResourceVersion, rv);
        }
    }

    async Task ResyncLoopAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                Resync();
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Re-delivers every cached object as OnUpdate(obj, obj), as client-go's resync does.</summary>
    internal void Resync()
    {
        lock (_dispatch)
            foreach (var obj in Cache.List())
                Deliver(h => h.OnUpdate?.Invoke(obj, obj));
    }

    void Deliver(Action<Handler> call)
    {
        foreach (var handler in _handlers) Invoke(() => call(handler));
    }

    void Invoke(Action action)
    {
        try { action(); }
        catch (Exception e) { _options.Log?.Invoke($"{Type.GroupResource}: event handler failed: {e}"); }
    }
}
