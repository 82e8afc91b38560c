using System.Text;
using System.Text.Json.Nodes;
using Podway.Node.Runtime;

namespace Podway.Node.Kubelet;

/// <summary>
/// terminationMessagePath and terminationMessagePolicy as the kubelet handles them: an empty host file per run,
/// writable by any user, bound at the path; after the run its first 4096 bytes become the terminated state's message.
/// With FallbackToLogsOnError, a failed run that wrote nothing there gets the last 80 lines (at most 2048 bytes) of
/// its log instead.
/// </summary>
internal static class TerminationMessage
{
    const int MaxBytes = 4096;
    const int FallbackLines = 80;
    const int FallbackMaxBytes = 2048;

    /// <summary>Creates the run's message file; returns the bind mount (host file, path in the container).</summary>
    public static (string Source, string Destination, bool ReadOnly) Prepare(JsonObject container, ContainerPaths paths)
    {
        var file = paths.TerminationLog;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, []);
        File.SetUnixFileMode(file, (UnixFileMode)0b110_110_110); // 0666: the container may run as any user
        var destination = container["terminationMessagePath"]?.GetValue<string>() is { Length: > 0 } p ? p : "/dev/termination-log";
        return (file, destination, false);
    }

    /// <summary>Whether the run's message must come from its log, which is complete only once the log copier is done.</summary>
    public static bool NeedsLog(JsonObject container, TerminatedInfo run, ContainerPaths paths) =>
        run.ExitCode != 0 && Read(paths) is null && container["terminationMessagePolicy"]?.GetValue<string>() == "FallbackToLogsOnError";

    public static TerminatedInfo Apply(JsonObject container, TerminatedInfo run, ContainerPaths paths)
    {
        if (run.Message is not null) return run;
        var message = Read(paths) ?? (NeedsLog(container, run, paths) ? LogTail(paths) : null);
        return message is null ? run : run with { Message = message };
    }

    static string? Read(ContainerPaths paths)
    {
        try
        {
            using var stream = File.OpenRead(paths.TerminationLog);
            var buffer = new byte[MaxBytes];
            var n = stream.ReadAtLeast(buffer, MaxBytes, throwOnEndOfStream: false);
            return n == 0 ? null : Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (IOException) { return null; }
    }

    /// <summary>The message of each CRI log record ("time stream P|F message") of the last lines, partial records joined.</summary>
    static string? LogTail(ContainerPaths paths)
    {
        if (!File.Exists(paths.Log)) return null;
        var lines = new List<string>();
        var partial = new StringBuilder();
        foreach (var record in File.ReadLines(paths.Log))
        {
            var f = record.Split(' ', 4);
            if (f.Length < 3) continue;
            partial.Append(f.Length == 4 ? f[3] : "");
            if (f[2] == "P") continue;
            lines.Add(partial.ToString());
            partial.Clear();
        }
        var text = string.Join('\n', lines.TakeLast(FallbackLines));
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length == 0 ? null : Encoding.UTF8.GetString(bytes, Math.Max(0, bytes.Length - FallbackMaxBytes), Math.Min(bytes.Length, FallbackMaxBytes));
    }
}
