using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Node.Sandbox;

/// <summary>What a restarted agent needs to adopt or remove a sandbox. Written before anything is created, so a crash half-way still leaves a record to clean up from.</summary>
internal sealed record SandboxState
{
    public required string PodUid { get; init; }
    public required string NetnsName { get; init; }
    /// <summary>"creating" until the holder runs, then "ready".</summary>
    public string Phase { get; init; } = "creating";
    public int HolderPid { get; init; }
    /// <summary>The holder's start time from /proc/PID/stat: tells our holder from a process that reused its pid.</summary>
    public long HolderStartTime { get; init; }
    public string? PodIp { get; init; }
    /// <summary>The final CNI ADD result, handed back as prevResult on DEL.</summary>
    public JsonObject? CniResult { get; init; }
    /// <summary>The portmap runtimeConfig given to ADD; DEL needs it again.</summary>
    public JsonArray PortMappings { get; init; } = [];
}

/// <summary>One JSON file per sandbox: &lt;StateDir&gt;/sandboxes/&lt;uid&gt;.json, replaced atomically.</summary>
internal sealed class SandboxStateStore(string dir)
{
    public SandboxState? Load(string podUid)
    {
        try { return JsonSerializer.Deserialize(File.ReadAllText(PathOf(podUid)), Runtime.NodeStateJson.Default.SandboxState); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    public void Save(SandboxState state)
    {
        Directory.CreateDirectory(dir);
        var tmp = PathOf(state.PodUid) + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(state, Runtime.NodeStateJson.Default.SandboxState));
        File.Move(tmp, PathOf(state.PodUid), overwrite: true);
    }

    public void Delete(string podUid) => File.Delete(PathOf(podUid));

    public IReadOnlyList<string> PodUids() =>
        Directory.Exists(dir) ? Directory.GetFiles(dir, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).ToList() : [];

    string PathOf(string podUid) => Path.Combine(dir, podUid + ".json");
}
