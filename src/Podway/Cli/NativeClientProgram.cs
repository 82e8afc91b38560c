namespace Podway.Cli;

/// <summary>
/// Entry point of podway's native build (`dotnet publish -p:PublishAot=true -p:StartupObject=...`, made by the
/// ./podway launcher beside the JIT build): the same code as `podway trace|flows|status`, compiled ahead of time
/// because a JIT-compiled .NET process spends ~0.3 s of CPU starting its TLS client, more than the trace itself.
/// </summary>
internal static class NativeClientProgram
{
    public static Task<int> Main(string[] args) => CommandDispatcher.RunAsync(args, CliContext.FromProcess(), ClientCommands.Instance);
}
