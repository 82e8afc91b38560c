using System.Collections;
using System.Diagnostics;

namespace Podway.Trace;

/// <summary>The layers in the order they ran, each stamped with the time it took since the previous one
/// (what the benchmark and `-o json` show as `ms`).</summary>
internal sealed class LayerList : IReadOnlyList<LayerResult>
{
    readonly List<LayerResult> _layers = [];
    long _last = Stopwatch.GetTimestamp();

    public void Add(LayerResult layer)
    {
        var now = Stopwatch.GetTimestamp();
        _layers.Add(layer with { Ms = Math.Round(Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds, 1) });
        _last = now;
    }

    public void AddRange(IEnumerable<LayerResult> layers) { foreach (var l in layers) Add(l); }

    public LayerResult this[int index] => _layers[index];
    public int Count => _layers.Count;
    public IEnumerator<LayerResult> GetEnumerator() => _layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
