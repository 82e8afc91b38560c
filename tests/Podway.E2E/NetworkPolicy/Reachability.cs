using System.Text;

namespace Podway.E2E.NetworkPolicy;

/// <summary>
/// Upstream's netpol e2e truth table (test/e2e/network/netpol/truthtable.go): which of the 9 Pods x/a..z/c reaches
/// which, expected versus observed. A Pod always reaches itself (over its own loopback, no policy involved).
/// </summary>
public sealed class Reachability
{
    public static readonly string[] Namespaces = ["x", "y", "z"];
    public static readonly string[] PodNames = ["a", "b", "c"];
    public static readonly string[] Pods = [.. Namespaces.SelectMany(n => PodNames.Select(p => $"{n}/{p}"))];

    readonly Dictionary<(string From, string To), bool> _cells = [];

    public Reachability(bool defaultValue)
    {
        foreach (var from in Pods) foreach (var to in Pods) _cells[(from, to)] = defaultValue || from == to;
    }

    public bool this[string from, string to] { get => _cells[(from, to)]; set => _cells[(from, to)] = value || from == to; }

    public Reachability Expect(string from, string to, bool value) { this[from, to] = value; return this; }
    public Reachability ExpectAllIngress(string to, bool value) { foreach (var from in Pods) this[from, to] = value; return this; }
    public Reachability ExpectAllEgress(string from, bool value) { foreach (var to in Pods) this[from, to] = value; return this; }
    public Reachability ExpectIngressFrom(string to, Func<string, bool> from) { foreach (var f in Pods) this[f, to] = from(f); return this; }

    public IEnumerable<(string From, string To)> Mismatches(Reachability other) =>
        Pods.SelectMany(f => Pods.Select(t => (f, t))).Where(c => _cells[c] != other._cells[c]);

    /// <summary>The table as upstream prints it: rows are sources, columns destinations, "." reachable, "X" not.</summary>
    public string Render()
    {
        var sb = new StringBuilder("     " + string.Join(" ", Pods.Select(p => p.PadRight(3))) + "\n");
        foreach (var from in Pods)
            sb.Append(from.PadRight(5)).Append(string.Join(" ", Pods.Select(to => (_cells[(from, to)] ? "." : "X").PadRight(3)))).Append('\n');
        return sb.ToString();
    }
}
