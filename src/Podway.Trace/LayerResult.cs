namespace Podway.Trace;

public enum LayerStatus { Pass, Fail, Skipped }

/// <summary>
/// One layer's line: its name (dns, service, endpoints, port, nftables, policy, edge, tls, connect), whether the
/// request gets through it, what trace saw there, and on a failure the fix in one sentence.
/// </summary>
public sealed record LayerResult(string Layer, LayerStatus Status, string Saw, string? Fix = null)
{
    /// <summary>Facts for scripts (`-o json`): addresses, names, backends.</summary>
    public IReadOnlyDictionary<string, object?> Details { get; init; } = new Dictionary<string, object?>();

    /// <summary>Milliseconds this layer took (stamped by the tracer).</summary>
    public double? Ms { get; init; }

    public static LayerResult Pass(string layer, string saw) => new(layer, LayerStatus.Pass, saw);
    public static LayerResult Fail(string layer, string saw, string fix) => new(layer, LayerStatus.Fail, saw, fix);
    public static LayerResult Skip(string layer, string why) => new(layer, LayerStatus.Skipped, why);
}
