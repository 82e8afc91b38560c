namespace Podway.Node.Images;

/// <summary>
/// Finds the host program an image's executable stands for: on the image's PATH, by base name when the image's
/// absolute path does not exist here (/usr/local/bin/foo -> /usr/bin/foo), and a shell the host has for one it
/// lacks (zsh -> bash, ash -> sh).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class HostPrograms(Func<string, bool> isExecutable)
{
    public const string ImagePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    static readonly Dictionary<string, string> ShellStandIns = new(StringComparer.Ordinal)
    {
        ["zsh"] = "bash", ["ash"] = "sh", ["dash"] = "sh", ["bash"] = "sh",
    };

    public static HostPrograms FromHost() => new(path =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>The absolute path to run, or the name unchanged when nothing matches (starting it then fails as a missing executable).</summary>
    public string Resolve(string program) => TryResolve(program, out var path) ? path : program;

    public bool TryResolve(string program, out string path)
    {
        path = program;
        if (program.Contains('/') && isExecutable(program))
            return true;
        var name = Path.GetFileName(program);
        if (name.Length == 0)
            return false;
        for (var candidate = name; candidate is not null; candidate = ShellStandIns.GetValueOrDefault(candidate))
        {
            foreach (var dir in ImagePath.Split(':'))
            {
                var full = $"{dir}/{candidate}";
                if (isExecutable(full)) { path = full; return true; }
            }
        }
        return false;
    }
}
