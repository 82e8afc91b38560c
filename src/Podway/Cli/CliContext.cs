namespace Podway.Cli;

/// <summary>What a command may touch of the outside world; tests substitute writers, root-ness and environment.</summary>
internal sealed record CliContext(
    TextWriter Out,
    TextWriter Err,
    Func<bool> IsRoot,
    Func<string, string?> GetEnv,
    string DataRoot)
{
    public const string DefaultDataRoot = "/var/lib/podway";

    public static CliContext FromProcess() => new(
        Console.Out, Console.Error, () => HostSystem.Posix.geteuid() == 0, Environment.GetEnvironmentVariable, DefaultDataRoot);

    public void RequireRoot(string command, string why) 
    {
        if (!IsRoot())
            throw new CliException($"podway {command} must run as root ({why}): try sudo ./podway {command}");
    }
}
