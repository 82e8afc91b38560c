using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Dns.Zone;

/// <summary>Feeds a <see cref="ClusterZone"/> from the Service and EndpointSlice informers of a factory.</summary>
public static class ZoneFeed
{
    /// <summary>Registers the zone's handlers; the caller starts the factory and waits for its caches to sync.</summary>
    public static void Attach(SharedInformerFactory factory, ClusterZone zone)
    {
        factory.For(BuiltinResources.Service).AddEventHandler(
            onAdd: zone.SetService, onUpdate: (_, now) => zone.SetService(now), onDelete: zone.RemoveService);
        factory.For(BuiltinResources.EndpointSlice).AddEventHandler(
            onAdd: zone.SetSlice, onUpdate: (_, now) => zone.SetSlice(now), onDelete: zone.RemoveSlice);
    }
}
