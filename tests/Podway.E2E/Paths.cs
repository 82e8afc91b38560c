namespace Podway.E2E;

/// <summary>Where the repository, the ./podway script and the seed manifests are.</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Podway => Path.Combine(RepoRoot, "podway");

    /// <summary>The team's shared folder (seeds, manifests): PODWAY_SHARED_DIR, else ../shared beside the repository.</summary>
    public static string SharedDir =>
        Environment.GetEnvironmentVariable("PODWAY_SHARED_DIR") is { Length: > 0 } dir ? dir : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Manifests => Path.Combine(SharedDir, "manifests");

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Podway.sln")) && File.Exists(Path.Combine(dir.FullName, "podway")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Podway.sln beside ./podway) above " + AppContext.BaseDirectory);
    }
}
