namespace Podway.Client;

/// <summary>Query options of a list: selectors, page size, and the resourceVersion semantics of kube's ListOptions.</summary>
public sealed record ListOptions
{
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    /// <summary>Page size; continue tokens are followed until the list is complete. 0 asks for everything at once.</summary>
    public int Limit { get; init; } = 500;
    public string? ResourceVersion { get; init; }
}

/// <summary>Query options of a watch (kube's ListOptions with watch=true).</summary>
public sealed record WatchOptions
{
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    /// <summary>Events newer than this are sent; null or "0" means the current state as ADDED events first.</summary>
    public string? ResourceVersion { get; init; }
    public int? TimeoutSeconds { get; init; }
    public bool AllowWatchBookmarks { get; init; }
}

/// <summary>The Content-Type a PATCH is sent with.</summary>
public enum PatchType { Merge, StrategicMerge, Json, Apply }

/// <summary>meta/v1 DeleteOptions.</summary>
public sealed record DeleteOptions
{
    /// <summary>"Orphan", "Background" or "Foreground".</summary>
    public string? PropagationPolicy { get; init; }
    public long? GracePeriodSeconds { get; init; }
    public string? PreconditionUid { get; init; }
    public string? PreconditionResourceVersion { get; init; }

    public static DeleteOptions Background => new() { PropagationPolicy = "Background" };
    public static DeleteOptions Foreground => new() { PropagationPolicy = "Foreground" };
    public static DeleteOptions Orphan => new() { PropagationPolicy = "Orphan" };
}
