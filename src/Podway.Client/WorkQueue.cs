namespace Podway.Client;

/// <summary>
/// client-go's rate-limited work queue: an item queued many times is processed once; an item added while a
/// worker holds it is queued again when that worker calls Done (so one item is never processed twice at once);
/// failures are retried after baseDelay·2^n, capped at maxDelay, until Forget.
/// </summary>
public sealed class WorkQueue<T> : IDisposable where T : notnull
{
    readonly Lock _gate = new();
    readonly Queue<T> _queue = new();
    readonly HashSet<T> _dirty = [];
    readonly HashSet<T> _processing = [];
    readonly Dictionary<T, int> _failures = [];
    readonly SemaphoreSlim _available = new(0);
    readonly CancellationTokenSource _shutdown = new();
    readonly TimeSpan _baseDelay, _maxDelay;

    /// <summary>Defaults are client-go's DefaultTypedControllerRateLimiter per-item back-off: 5ms doubling to 1000s.</summary>
    public WorkQueue(TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(5);
        _maxDelay = maxDelay ?? TimeSpan.FromSeconds(1000);
    }

    public bool IsShuttingDown => _shutdown.IsCancellationRequested;

    /// <summary>Items waiting (not counting those being processed).</summary>
    public int Count { get { lock (_gate) return _queue.Count; } }

    public void Add(T item)
    {
        lock (_gate)
        {
            if (_shutdown.IsCancellationRequested || !_dirty.Add(item)) return;
            if (_processing.Contains(item)) return; // re-queued by Done
            _queue.Enqueue(item);
        }
        _available.Release();
    }

    public void AddAfter(T item, TimeSpan delay)
    {
        if (IsShuttingDown) return;
        if (delay <= TimeSpan.Zero) { Add(item); return; }
        _ = Task.Delay(delay, _shutdown.Token).ContinueWith(_ => Add(item), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>Re-adds after the item's next back-off delay.</summary>
    public void AddRateLimited(T item) => AddAfter(item, NextDelay(item));

    internal TimeSpan NextDelay(T item)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures.GetValueOrDefault(item);
            _failures[item] = failures + 1;
        }
        var ticks = _baseDelay.Ticks * Math.Pow(2, Math.Min(failures, 62));
        return ticks >= _maxDelay.Ticks ? _maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Clears the item's failure count (call after it was processed successfully).</summary>
    public void Forget(T item) { lock (_gate) _failures.Remove(item); }

    public int NumRequeues(T item) { lock (_gate) return _failures.GetValueOrDefault(item); }

    /// <summary>The next item, marked as processing until Done; (false, default) once shut down or ct is cancelled.</summary>
    public async Task<(bool Ok, T Item)> GetAsync(CancellationToken ct = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _shutdown.Token);
        try { await _available.WaitAsync(linked.Token); }
        catch (OperationCanceledException) { return (false, default!); }
        lock (_gate)
        {
            var item = _queue.Dequeue();
            _dirty.Remove(item);
            _processing.Add(item);
            return (true, item);
        }
    }

    public void Done(T item)
    {
        bool requeue;
        lock (_gate)
        {
            _processing.Remove(item);
            requeue = _dirty.Contains(item) && !_shutdown.IsCancellationRequested;
            if (requeue) _queue.Enqueue(item);
        }
        if (requeue) _available.Release();
    }

    public void ShutDown() => _shutdown.Cancel();

    /// <summary>
    /// Runs <paramref name="workers"/> loops until ct is cancelled: each takes an item and processes it; a thrown
    /// exception re-queues it with back-off (and reports it to onError), success forgets its failures.
    /// </summary>
    public Task RunWorkersAsync(int workers, Func<T, CancellationToken, Task> process, CancellationToken ct, Action<T, Exception>? onError = null)
    {
        var loops = new Task[workers];
        for (var i = 0; i < workers; i++)
            loops[i] = Task.Run(async () =>
            {
                while (!ct.IsCancellationRequested)
                {
                    var (ok, item) = await GetAsync(ct);
                    if (!ok) return;
                    try
                    {
                        await process(item, ct);
                        Forget(item);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
                    catch (Exception e)
                    {
                        onError?.Invoke(item, e);
                        AddRateLimited(item);
                    }
                    finally { Done(item); }
                }
            }, CancellationToken.None);
        return Task.WhenAll(loops);
    }

    public void Dispose()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
        _available.Dispose();
    }
}
