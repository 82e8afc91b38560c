namespace Podway.Storage;

/// <summary>The database file could not be opened: unreadable, corrupt, or written by a newer schema.</summary>
public sealed class StoreOpenException(string path, string reason, Exception? inner = null)
    : Exception($"cannot open store '{path}': {reason}", inner)
{
    public string Path { get; } = path;
}

/// <summary>
/// A watcher fell more than its buffer behind and was ended so it cannot stall writers or other watchers.
/// The API server closes the stream; the client re-watches from the last revision it saw.
/// </summary>
public sealed class WatchOverflowException(string resource, string? ns, int capacity)
    : Exception($"watch of {resource} in {(ns is null ? "all namespaces" : $"namespace '{ns}'")} fell behind by more than {capacity} events")
{
    public string Resource { get; } = resource;
    public string? Namespace { get; } = ns;
}
