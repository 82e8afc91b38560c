namespace Podway.Storage.Watch;

/// <summary>Which events a watcher wants: one resource, one namespace or all, revisions after a point.</summary>
internal readonly record struct WatchFilter(string Resource, string? Namespace, long FromRevision)
{
    public bool Matches(WatchEvent ev) =>
        ev.Object.Revision > FromRevision
        && string.Equals(ev.Object.Resource, Resource, StringComparison.Ordinal)
        && (Namespace is null || string.Equals(ev.Object.Namespace, Namespace, StringComparison.Ordinal));
}
