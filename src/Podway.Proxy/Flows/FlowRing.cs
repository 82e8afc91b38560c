namespace Podway.Proxy.Flows;

/// <summary>The last <see cref="Capacity"/> flows of a node, numbered; memory stays bounded whatever the traffic.</summary>
public sealed class FlowRing(int capacity = 4096)
{
    readonly FlowRecord?[] _items = new FlowRecord?[capacity];
    readonly Lock _gate = new();
    long _next = 1;

    public int Capacity => capacity;

    /// <summary>Numbers the flow (its Seq) and keeps it, pushing out the oldest when full.</summary>
    public FlowRecord Add(Func<long, FlowRecord> make)
    {
        lock (_gate)
        {
            var flow = make(_next);
            _items[_next % capacity] = flow;
            _next++;
            return flow;
        }
    }

    /// <summary>Flows numbered after <paramref name="afterSeq"/>, oldest first, and the newest number (for the next call).</summary>
    public (IReadOnlyList<FlowRecord> Flows, long Last) Since(long afterSeq)
    {
        lock (_gate)
        {
            var first = Math.Max(afterSeq + 1, Math.Max(1, _next - capacity));
            var list = new List<FlowRecord>((int)Math.Max(0, _next - first));
            for (var seq = first; seq < _next; seq++) list.Add(_items[seq % capacity]!);
            return (list, _next - 1);
        }
    }
}
