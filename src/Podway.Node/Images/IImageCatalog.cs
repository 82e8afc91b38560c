namespace Podway.Node.Images;

/// <summary>
/// How a container is run: the program, its arguments, extra environment and working directory, and Image, the
/// built-in image whose own files its root gets (null: the base layer alone).
/// </summary>
public sealed record ResolvedCommand(string File, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Env, string? WorkingDir = null, string? Image = null);

/// <summary>
/// Maps image names (any tag or digest) to programs podway ships or host tools, following the image's real
/// ENTRYPOINT/CMD semantics: `command` replaces the entrypoint, `args` replaces the default command.
/// </summary>
public interface IImageCatalog
{
    /// <summary>Throws ImageResolveException (reason ErrImagePull/InvalidImageName, message saying what to do) when the image cannot run.</summary>
    ResolvedCommand Resolve(string image, IReadOnlyList<string>? command, IReadOnlyList<string>? args);
}

public sealed class ImageResolveException(string reason, string message) : Exception(message)
{
    /// <summary>The waiting reason the container status shows: "ErrImagePull", "InvalidImageName".</summary>
    public string Reason { get; } = reason;
}
