namespace Podway.Node.Images;

/// <summary>How an image's entrypoint script treats its arguments.</summary>
internal enum EntrypointWrapper
{
    /// <summary>`exec "$@"` (nginx's /docker-entrypoint.sh, `busybox APPLET`): run the remaining arguments.</summary>
    ExecArgs,
    /// <summary>curlimages/curl's /entrypoint.sh: prepend `curl` when the first argument is a flag or not a program.</summary>
    CurlOrProgram,
}

/// <summary>
/// One image of the catalog: the repositories it answers to, its ENTRYPOINT and CMD as the real image declares
/// them, and which executables inside it are programs podway ships (run as `podway image PROGRAM ...`).
/// Anything else the image runs resolves to a host program.
/// </summary>
internal sealed record CatalogImage(
    string DisplayName,
    IReadOnlyList<string> Repositories,
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> Cmd,
    IReadOnlyDictionary<string, string> BuiltinPrograms,
    IReadOnlyDictionary<string, EntrypointWrapper> Wrappers)
{
    public static readonly IReadOnlyDictionary<string, string> NoPrograms = new Dictionary<string, string>();

    /// <summary>Executables of the image that are shell scripts podway ships: run as `/bin/sh -c SCRIPT PATH ARGS...`.</summary>
    public IReadOnlyDictionary<string, string> Scripts { get; init; } = new Dictionary<string, string>();
    public static readonly IReadOnlyDictionary<string, EntrypointWrapper> NoWrappers = new Dictionary<string, EntrypointWrapper>();
}
