using System.Globalization;

namespace Podway.Node.Runtime;

/// <summary>
/// Reads /proc/&lt;pid&gt;/stat. A pid plus its start time (field 22, clock ticks since boot) names a process
/// uniquely across pid reuse, which is how adopted containers are recognised after an agent restart.
/// </summary>
internal static class ProcStat
{
    public static long? StartTime(int pid) => Read(pid)?.StartTime;

    /// <summary>True when pid exists, is not a zombie, and started at startTime.</summary>
    public static bool IsSameProcess(int pid, long startTime)
    {
        var stat = Read(pid);
        return stat is not null && stat.Value.State != 'Z' && stat.Value.StartTime == startTime;
    }

    static (char State, long StartTime)? Read(int pid)
    {
        if (pid <= 0) return null;
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // rest[0] is field 3 (state); field 22 is rest[19].
        return rest.Length > 19 && long.TryParse(rest[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (rest[0][0], start)
            : null;
    }
}
