namespace Podway.Cli;

/// <summary>A mistake in how podway was invoked; printed as-is with a hint to --help, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A failure the user can act on (port taken, bad data dir, not root); printed as-is, exit code 1.</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
