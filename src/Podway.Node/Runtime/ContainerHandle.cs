namespace Podway.Node.Runtime;

/// <summary>
/// Names of one run of a container, all derived from the pod UID, the container name and the attempt, so a restarted
/// agent finds them again: the OCI runtime's container id, the bundle directory (config.json, rootfs, writable
/// layers) and the cgroup.
/// </summary>
internal sealed record ContainerHandle(string PodUid, string Id, string Bundle, string CgroupRelative)
{
    public string RootfsDir => Path.Combine(Bundle, "rootfs");
    public string ConfigFile => Path.Combine(Bundle, "config.json");
}
