using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Podway.Edge.Routing;

namespace Podway.Edge.Forwarding;

/// <summary>
/// Power of two choices on in-flight requests: two distinct random endpoints not tried yet, the one with fewer
/// requests in flight wins (ties: the first drawn). Spreads like random when all are equal and steers away from an
/// endpoint that is slow or stuck without any global scan. Counts are per address:port, shared across snapshots.
/// </summary>
internal sealed class EndpointPicker
{
    readonly ConcurrentDictionary<(string Address, int Port), StrongBox<int>> _inFlight = new();

    public StrongBox<int> CounterFor(Upstream upstream) =>
        _inFlight.GetOrAdd((upstream.Address, upstream.Port), static _ => new StrongBox<int>());

    /// <summary>An index into <paramref name="usable"/> not in <paramref name="tried"/>.</summary>
    public int Pick(IReadOnlyList<Upstream> usable, ReadOnlySpan<int> tried)
    {
        var left = usable.Count - tried.Length;
        if (left <= 0) throw new InvalidOperationException("no untried endpoint left");
        var first = Untried(Random.Shared.Next(left), tried, usable.Count);
        if (left == 1) return first;
        var second = Random.Shared.Next(left - 1);
        // Draw the second among the untried ones other than the first.
        var secondIndex = Untried(second >= UntriedRank(first, tried) ? second + 1 : second, tried, usable.Count);
        return Volatile.Read(ref CounterFor(usable[secondIndex]).Value) < Volatile.Read(ref CounterFor(usable[first]).Value)
            ? secondIndex : first;
    }

    /// <summary>The <paramref name="rank"/>-th index (0-based) of 0..count-1 that is not in <paramref name="tried"/>.</summary>
    static int Untried(int rank, ReadOnlySpan<int> tried, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (tried.Contains(i)) continue;
            if (rank-- == 0) return i;
        }
        throw new InvalidOperationException("rank beyond the untried endpoints");
    }

    /// <summary>How many untried indices come before <paramref name="index"/>.</summary>
    static int UntriedRank(int index, ReadOnlySpan<int> tried)
    {
        var rank = index;
        foreach (var t in tried) if (t < index) rank--;
        return rank;
    }
}
