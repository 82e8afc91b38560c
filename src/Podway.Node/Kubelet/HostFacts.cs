using System.Globalization;

namespace Podway.Node.Kubelet;

/// <summary>What the node reports about the machine: memory, OS image, kernel, machine and boot IDs.</summary>
internal static class HostFacts
{
    /// <summary>MemTotal from /proc/meminfo, in KiB (the kubelet reports capacity.memory in Ki).</summary>
    public static long MemoryKi()
    {
        foreach (var line in ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return 0;
    }

    /// <summary>CPU time the machine has spent busy since boot, in core-seconds (/proc/stat, in USER_HZ = 1/100 s).</summary>
    public static double CpuSeconds()
    {
        foreach (var line in ReadLines("/proc/stat"))
        {
            if (!line.StartsWith("cpu ", StringComparison.Ordinal)) continue;
            // user nice system idle iowait irq softirq steal [guest guest_nice]: busy is all but idle and iowait (guest
            // time is already in user).
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return f.Take(8).Where((_, i) => i is not (3 or 4)).Sum() / 100.0;
        }
        return 0;
    }

    /// <summary>The machine's memory in use, MemTotal - MemAvailable (the kubelet's node working set, without a root cgroup to read).</summary>
    public static long MemoryWorkingSetBytes()
    {
        long total = 0, available = 0;
        foreach (var line in ReadLines("/proc/meminfo"))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2) continue;
            if (f[0] == "MemTotal:") total = long.Parse(f[1], CultureInfo.InvariantCulture);
            else if (f[0] == "MemAvailable:") available = long.Parse(f[1], CultureInfo.InvariantCulture);
        }
        return (total - available) * 1024;
    }

    public static string OsImage()
    {
        foreach (var line in ReadLines("/etc/os-release"))
            if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) return line["PRETTY_NAME=".Length..].Trim('"');
        return "Linux";
    }

    public static string KernelVersion() => ReadFirst("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.Version.ToString();
    public static string MachineId() => ReadFirst("/etc/machine-id") ?? ReadFirst("/var/lib/dbus/machine-id") ?? "";
    public static string BootId() => ReadFirst("/proc/sys/kernel/random/boot_id") ?? "";
    /// <summary>The DMI product UUID is root-only on most hosts; fall back to the machine ID like kind nodes without DMI.</summary>
    public static string SystemUuid() => ReadFirst("/sys/class/dmi/id/product_uuid") ?? MachineId();

    public static long EphemeralStorageKi(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            return new DriveInfo(path).TotalSize / 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return 0; }
    }

    static string? ReadFirst(string path)
    {
        try { return File.ReadAllText(path).Trim() is { Length: > 0 } s ? s : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    static IEnumerable<string> ReadLines(string path)
    {
        try { return File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
