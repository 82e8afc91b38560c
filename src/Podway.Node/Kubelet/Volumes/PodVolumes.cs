using System.Text.Json.Nodes;
using Podway.Node.Runtime;

namespace Podway.Node.Kubelet.Volumes;

/// <summary>
/// A node's Pod volumes under &lt;pod dir&gt;/volumes/&lt;name&gt;, set up before the Pod's containers start and refreshed on
/// every sync of the Pod (so a ConfigMap or Secret change reaches running containers within a sync period, by the
/// atomic ..data swap): emptyDir (a directory, or tmpfs for medium Memory), configMap, secret, downwardAPI, projected,
/// and hostPath (the host's path itself). Only the Pod's containers get them: they are bound into their roots.
/// </summary>
internal sealed class PodVolumes(NodeIdentity node, VolumePayloads payloads)
{
    public static string Root(string stateDir, string podUid) => Path.Combine(ContainerPaths.PodDir(stateDir, podUid), "volumes");

    /// <summary>Volume name -> host directory (or file, for hostPath); throws VolumeSetupException for one that cannot be set up.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SyncAsync(JsonObject pod, string podIp, CancellationToken ct)
    {
        var uid = Podway.Client.ObjectMeta.Uid(pod);
        var fsGroup = pod["spec"]?["securityContext"]?["fsGroup"]?.GetValue<long>();
        var result = new Dictionary<string, string>();
        foreach (var volume in (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = volume["name"]?.GetValue<string>() ?? "";
            var dir = Path.Combine(Root(node.StateDir, uid), name);
            if (volume["hostPath"] is JsonObject hostPath) { result[name] = HostPath(name, hostPath); continue; }
            if (volume["emptyDir"] is JsonObject emptyDir) { EmptyDir(dir, emptyDir, fsGroup); result[name] = dir; continue; }
            if (volume["persistentVolumeClaim"] is JsonObject pvc)
                throw new VolumeSetupException($"MountVolume.SetUp failed for volume \"{name}\" : persistentvolumeclaim \"{pvc["claimName"]}\" cannot be mounted: podway has no storage API yet");
            var payload = await payloads.ForAsync(pod, volume, podIp, ct)
                ?? throw new VolumeSetupException($"MountVolume.SetUp failed for volume \"{name}\" : this volume type is not supported by podway");
            AtomicWriter.Write(dir, payload, fsGroup);
            result[name] = dir;
        }
        return result;
    }

    static void EmptyDir(string dir, JsonObject emptyDir, long? fsGroup)
    {
        if (Directory.Exists(dir)) return;
        Directory.CreateDirectory(dir);
        if (emptyDir["medium"]?.GetValue<string>() == "Memory")
        {
            // tmpfs, bounded by sizeLimit (the kernel's default, half of memory, without one).
            var size = emptyDir["sizeLimit"]?.ToString() is { } limit && ResourceQuantity.TryParse(limit, out var bytes) ? $",size={(long)bytes}" : "";
            var rc = Mounts.Mount("tmpfs", dir, "tmpfs", 0, $"mode=0777{size}");
            if (rc != 0) throw new VolumeSetupException($"MountVolume.SetUp failed for volume \"{Path.GetFileName(dir)}\" : mounting tmpfs failed (errno {rc})");
        }
        // The kubelet makes emptyDir world-writable, so any user the containers run as can use it.
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        if (fsGroup is { } g) Ownership.ApplyFsGroup(dir, g);
    }

    static string HostPath(string name, JsonObject hostPath)
    {
        var path = hostPath["path"]?.GetValue<string>() ?? "";
        var type = hostPath["type"]?.GetValue<string>() ?? "";
        string Fail(string what) => throw new VolumeSetupException($"MountVolume.SetUp failed for volume \"{name}\" : hostPath type check failed: {path} {what}");
        switch (type)
        {
            case "DirectoryOrCreate" when !Directory.Exists(path): Directory.CreateDirectory(path); File.SetUnixFileMode(path, (UnixFileMode)0x1ED); break;
            case "FileOrCreate" when !File.Exists(path): Directory.CreateDirectory(Path.GetDirectoryName(path)!); File.WriteAllBytes(path, []); break;
            case "Directory" when !Directory.Exists(path): Fail("is not a directory"); break;
            case "File" when !File.Exists(path): Fail("is not a file"); break;
            case "Socket" or "CharDevice" or "BlockDevice" when !Path.Exists(path): Fail($"is not a {type}"); break;
        }
        if (!Path.Exists(path)) Directory.CreateDirectory(path); // type "": the kubelet's runtime creates a missing path as a directory
        return path;
    }

    /// <summary>Unmounts (tmpfs) and removes the Pod's volumes; hostPaths are the host's and stay.</summary>
    public static void Remove(string stateDir, string podUid)
    {
        var root = Root(stateDir, podUid);
        if (!Directory.Exists(root)) return;
        foreach (var mount in Mounts.Under(root)) Mounts.Detach(mount);
        Directory.Delete(root, recursive: true);
    }
}
