using Podway.Node.Network;

namespace Podway.Node.Sandbox;

public sealed partial class PodSandboxes
{
    /// <summary>
    /// Why a running sandbox can no longer carry its Pod's traffic, or null when it is whole: its namespace name was
    /// deleted, its holder exited, the name now stands for another namespace, or its eth0 went with the node
    /// namespace it was wired to. Reads only /proc files, so the agent can check every sandbox often.
    /// </summary>
    public string? Damage(SandboxInfo sandbox)
    {
        if (!Netns.Exists(sandbox.NetnsName)) return $"its network namespace {sandbox.NetnsName} is gone";
        if (!ProcStat.IsRunning(sandbox.HolderPid)) return $"its holder process {sandbox.HolderPid} exited";
        if (NetnsIdentity.OfName(sandbox.NetnsName) is { } named && NetnsIdentity.OfProcess(sandbox.HolderPid) != named)
            return $"its network namespace {sandbox.NetnsName} was replaced";
        if (!NetnsIdentity.HasInterface(sandbox.HolderPid, IfName)) return $"its interface {IfName} is gone (the node network was rebuilt)";
        return null;
    }
}
