using Podway.Node.Images;

namespace Podway.Node.Tests.Kubelet;

/// <summary>
/// A minimal catalog for agent tests: every image runs its command as a host program (with args appended);
/// "busybox" without a command runs `sleep 300`; "does-not-exist" fails like an unknown image.
/// </summary>
internal sealed class TestImages : IImageCatalog
{
    public ResolvedCommand Resolve(string image, IReadOnlyList<string>? command, IReadOnlyList<string>? args)
    {
        if (image.StartsWith("does-not-exist", StringComparison.Ordinal))
            throw new ImageResolveException("ErrImagePull", $"image \"{image}\" is not in the catalog; give the container a command to run a host program");
        IReadOnlyList<string> argv = command is { Count: > 0 } ? [.. command, .. args ?? []] : args is { Count: > 0 } ? args : ["sleep", "300"];
        return new ResolvedCommand(argv[0], [.. argv.Skip(1)], new Dictionary<string, string> { ["IMAGE_ENV"] = image });
    }
}
