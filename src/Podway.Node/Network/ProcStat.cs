namespace Podway.Node.Network;

/// <summary>Reads /proc/PID/stat: process state and start time (which tells a pid from a reused one).</summary>
internal static class ProcStat
{
    /// <summary>Field 22 of /proc/PID/stat (clock ticks since boot); null when the process does not exist.</summary>
    public static long? StartTime(int pid) => Fields(pid) is { } f ? long.Parse(f[19]) : null;

    /// <summary>True for a live process; false for a missing one or a zombie.</summary>
    public static bool IsRunning(int pid) => Fields(pid) is { } f && f[0] != "Z" && f[0] != "X";

    public static bool IsSameProcess(int pid, long startTime) => IsRunning(pid) && StartTime(pid) == startTime;

    /// <summary>The fields after "(comm)" (the command may contain spaces and parentheses): [0] is the state (field 3).</summary>
    static string[]? Fields(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        var close = text.LastIndexOf(')');
        return close < 0 ? null : text[(close + 2)..].Split(' ');
    }
}
