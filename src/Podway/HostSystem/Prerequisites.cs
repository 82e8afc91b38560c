namespace Podway.HostSystem;

/// <summary>Installs the Debian packages podway needs (the list lives in debian-packages.txt, shared with .ci/run).</summary>
internal static class Prerequisites
{
    public static IReadOnlyList<string> DebianPackages { get; } = LoadList();

    static IReadOnlyList<string> LoadList()
    {
        using var stream = typeof(Prerequisites).Assembly.GetManifestResourceStream("debian-packages.txt")!;
        return new StreamReader(stream).ReadToEnd().Split('\n')
            .Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToList();
    }

    /// <summary>Packages of <paramref name="wanted"/> that dpkg does not report as installed.</summary>
    public static IReadOnlyList<string> Missing(IReadOnlyList<string> wanted)
    {
        var r = HostCommand.Run("dpkg-query", ["-W", "-f=${Package} ${Status}\n", .. wanted]);
        var installed = r.Stdout.Split('\n')
            .Where(l => l.EndsWith(" install ok installed", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[0].Split(':')[0])
            .ToHashSet();
        return wanted.Where(p => !installed.Contains(p)).ToList();
    }

    /// <summary>Instant when everything is present; otherwise apt-get update + install, non-interactively.</summary>
    public static void Ensure(TextWriter progress)
    {
        if (!HostCommand.Exists("dpkg-query"))
        {
            progress.WriteLine($"  not a Debian system: make sure these are installed: {string.Join(' ', DebianPackages)}");
            return;
        }
        var missing = Missing(DebianPackages);
        if (missing.Count == 0) return;
        progress.WriteLine($"  installing {string.Join(' ', missing)} (apt-get)");
        var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var update = HostCommand.Run("apt-get", ["update", "-q"], env);
        if (!update.Ok) throw new Cli.CliException($"apt-get update failed:\n{update.Stderr.Trim()}");
        var install = HostCommand.Run("apt-get", ["install", "-y", "-q", "--no-install-recommends", .. missing], env);
        if (!install.Ok)
            throw new Cli.CliException($"apt-get install {string.Join(' ', missing)} failed:\n{install.Stderr.Trim()}");
        var still = Missing(DebianPackages);
        if (still.Count > 0) throw new Cli.CliException($"packages still missing after apt-get install: {string.Join(' ', still)}");
    }
}
