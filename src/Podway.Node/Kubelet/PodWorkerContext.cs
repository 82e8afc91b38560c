using Podway.Client;
using Podway.Node.Images;
using Podway.Node.Runtime;
using Podway.Node.Sandbox;

namespace Podway.Node.Kubelet;

/// <summary>What every pod worker of a node shares.</summary>
internal sealed record PodWorkerContext(
    ApiClient Client,
    NodeIdentity Node,
    IPodSandboxes Sandboxes,
    IImageCatalog Images,
    NodeAgentOptions Options,
    EventRecorder Events,
    CrashLoopBackOff BackOff,
    ContainerEnv Env,
    ContainerRuntime Runtime)
{
    public void Log(string message) => Options.Log?.Invoke(message);
}
