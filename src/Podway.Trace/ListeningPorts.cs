using Podway.Proxy;
using System.Globalization;

namespace Podway.Trace;

/// <summary>The TCP ports something listens on in a network namespace, from its /proc/net/tcp and tcp6 (state 0A).</summary>
internal static class ListeningPorts
{
    public static IReadOnlySet<int> In(string netns) =>
        NetnsThread.Run(netns, () => Parse(Read("/proc/thread-self/net/tcp") + Read("/proc/thread-self/net/tcp6")));

    static string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    /// <summary>Pure: `sl local_address rem_address st ...` lines; local_address is HEXIP:HEXPORT.</summary>
    public static IReadOnlySet<int> Parse(string procNetTcp)
    {
        var ports = new SortedSet<int>();
        foreach (var line in procNetTcp.Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || f[3] != "0A") continue;
            var colon = f[1].LastIndexOf(':');
            if (colon > 0 && int.TryParse(f[1][(colon + 1)..], NumberStyles.HexNumber, null, out var port)) ports.Add(port);
        }
        return ports;
    }
}
