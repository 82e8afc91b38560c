using System.Text.Json;

namespace Podway.Node.Runtime;

/// <summary>&lt;StateDir&gt;/pods/&lt;uid&gt;/state.json, written atomically (temp file + rename).</summary>
internal static class PodStateFile
{

    public static string PathFor(string stateDir, string uid) => Path.Combine(ContainerPaths.PodDir(stateDir, uid), "state.json");

    /// <summary>Writes the record unless it is <paramref name="unlessSameAs"/> (what the caller last saved); returns what is on disk.</summary>
    public static string Save(string stateDir, PodRecord record, string? unlessSameAs = null)
    {
        var text = JsonSerializer.Serialize(record, NodeStateJson.Default.PodRecord);
        // Each write is a new file (temp + rename), so a new inode: ext4's inode search was a fifth of the agent's CPU
        // in a burst of Pods, whose every sync saved the same record again.
        if (text == unlessSameAs) return text;
        var path = PathFor(stateDir, record.Uid);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
        return text;
    }

    public static PodRecord? Load(string stateDir, string uid)
    {
        try { return JsonSerializer.Deserialize(File.ReadAllText(PathFor(stateDir, uid)), NodeStateJson.Default.PodRecord); }
        catch (Exception e) when (e is IOException or JsonException) { return null; }
    }

    /// <summary>Pod UIDs that have a state directory on this node.</summary>
    public static IReadOnlyList<string> ListUids(string stateDir)
    {
        var dir = Path.Combine(stateDir, "pods");
        return Directory.Exists(dir) ? [.. Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>()] : [];
    }
}
