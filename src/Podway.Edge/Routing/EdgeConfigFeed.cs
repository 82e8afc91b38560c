using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Edge.Routing;

/// <summary>
/// Keeps an <see cref="EdgeConfig"/> current from the informers of Ingresses, IngressClasses, Services, EndpointSlices
/// and Secrets (cluster-wide): any change schedules a rebuild, changes within <c>debounce</c> share one, and the new
/// snapshot is swapped in whole. As an <see cref="IEdgeRoutes"/> it answers from the current snapshot.
/// </summary>
public sealed class EdgeConfigFeed : IEdgeRoutes
{
    static readonly ResourceType[] Kinds =
    [
        BuiltinResources.Ingress, BuiltinResources.IngressClass, BuiltinResources.Service,
        BuiltinResources.EndpointSlice, BuiltinResources.Secret,
        BuiltinResources.GatewayClass, BuiltinResources.Gateway, BuiltinResources.HttpRoute, BuiltinResources.ReferenceGrant,
        BuiltinResources.Namespace, BuiltinResources.GrpcRoute,
        BuiltinResources.TlsRoute, BuiltinResources.TcpRoute, BuiltinResources.UdpRoute,
    ];

    readonly SharedInformerFactory _factory;
    readonly X509Certificate2 _defaultCertificate;
    readonly TimeSpan _debounce;
    readonly Action<string>? _log;
    readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    EdgeConfig _current;

    /// <summary>Registers handlers on the factory's informers; the caller starts the factory and runs <see cref="RunAsync"/>.</summary>
    public EdgeConfigFeed(SharedInformerFactory factory, X509Certificate2 defaultCertificate, TimeSpan? debounce = null, Action<string>? log = null)
    {
        _factory = factory;
        _defaultCertificate = defaultCertificate;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(20);
        _log = log;
        _current = EdgeConfig.Empty(defaultCertificate);
        foreach (var kind in Kinds)
            factory.For(kind).AddEventHandler(onAdd: _ => MarkDirty(), onUpdate: (_, _) => MarkDirty(), onDelete: _ => MarkDirty());
    }

    /// <summary>The snapshot requests use now (serves nothing before the first build).</summary>
    public EdgeConfig Current => Volatile.Read(ref _current);

    /// <summary>Completes once every informer has synced and the first snapshot is built from the full lists.</summary>
    public Task Synced => _synced.Task;

    /// <summary>Raised after each new snapshot is swapped in (on the feed's loop; keep handlers short).</summary>
    public event Action<EdgeConfig>? Changed;

    public RouteDecision Route(string host, string path, bool isHttps) => Current.Route(host, path, isHttps);

    public X509Certificate2 CertificateFor(string? serverName) => Current.CertificateFor(serverName);

    public Gateway.GatewayRoutes Gateways => Current.Gateways;

    /// <summary>Waits for the informers, builds, then rebuilds after changes until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(Kinds.Select(k => _factory.For(k).WaitForSyncAsync(ct)));
            _dirty.Reader.TryRead(out _); // the first build below sees everything so far
            Rebuild();
            _synced.TrySetResult();
            while (await _dirty.Reader.WaitToReadAsync(ct))
            {
                await Task.Delay(_debounce, ct); // let a burst (a rollout's slice updates) land in one build
                _dirty.Reader.TryRead(out _);
                Rebuild();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _synced.TrySetCanceled(ct);
        }
    }

    void MarkDirty() => _dirty.Writer.TryWrite(true);

    void Rebuild()
    {
        EdgeConfig next;
        try
        {
            next = EdgeConfigBuilder.Build(new EdgeInputs(
                List(BuiltinResources.Ingress), List(BuiltinResources.IngressClass), List(BuiltinResources.Service),
                List(BuiltinResources.EndpointSlice), List(BuiltinResources.Secret), _defaultCertificate)
            {
                Gateway = new Gateway.GatewayInputs(List(BuiltinResources.GatewayClass), List(BuiltinResources.Gateway),
                    List(BuiltinResources.HttpRoute), List(BuiltinResources.ReferenceGrant), List(BuiltinResources.Namespace))
                {
                    TlsRoutes = List(BuiltinResources.TlsRoute), TcpRoutes = List(BuiltinResources.TcpRoute), UdpRoutes = List(BuiltinResources.UdpRoute),
                    GrpcRoutes = List(BuiltinResources.GrpcRoute),
                },
            });
        }
        catch (Exception e)
        {
            // The builder reads tolerantly; if it still fails, keep serving the last good snapshot.
            _log?.Invoke($"edge: rebuilding routes failed, keeping the previous ones: {e}");
            return;
        }
        Volatile.Write(ref _current, next);
        try { Changed?.Invoke(next); }
        catch (Exception e) { _log?.Invoke($"edge: a Changed handler failed: {e}"); }
    }

    IReadOnlyList<JsonObject> List(ResourceType kind) => _factory.For(kind).Cache.List();
}
