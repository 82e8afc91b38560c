using Podway.Api.Resources;

namespace Podway.Client;

/// <summary>
/// One informer per resource type for a whole process, so every controller shares one list+watch and one
/// cache per type, as client-go's SharedInformerFactory does. Ask for informers before Start.
/// </summary>
public sealed class SharedInformerFactory(ApiClient client, TimeSpan? resyncPeriod = null, Action<string>? log = null)
{
    readonly Lock _gate = new();
    readonly Dictionary<ResourceType, Informer> _informers = [];
    readonly List<Task> _running = [];

    public ApiClient Client => client;

    public Informer For(ResourceType type)
    {
        lock (_gate)
        {
            if (!_informers.TryGetValue(type, out var informer))
                _informers[type] = informer = new Informer(client, type, new InformerOptions { ResyncPeriod = resyncPeriod, Log = log });
            return informer;
        }
    }

    public IReadOnlyCollection<Informer> All { get { lock (_gate) return [.. _informers.Values]; } }

    /// <summary>Starts every informer not yet running; they stop when ct is cancelled (await WhenStopped).</summary>
    public void Start(CancellationToken ct)
    {
        lock (_gate)
            foreach (var informer in _informers.Values)
                if (!_started.Contains(informer))
                {
                    _started.Add(informer);
                    _running.Add(Task.Run(() => informer.RunAsync(ct), CancellationToken.None));
                }
    }

    readonly HashSet<Informer> _started = [];

    public Task WaitForCacheSyncAsync(CancellationToken ct) => Task.WhenAll(All.Select(i => i.WaitForSyncAsync(ct)));

    public Task WhenStopped() { lock (_gate) return Task.WhenAll(_running); }
}
