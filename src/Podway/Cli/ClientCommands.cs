namespace Podway.Cli;

/// <summary>
/// The commands a user waits on that only read a running cluster (trace, flows, status), and the built-in images'
/// programs (`image`, which every Pod of a built-in image runs): what the native build of podway links (see
/// NativeClientProgram), so they answer, or a Pod's program starts, without a JIT's start-up.
/// </summary>
internal sealed class ClientCommands : ICommandSet
{
    public static readonly ClientCommands Instance = new();
    /// <summary>The three the ./podway launcher sends here, and the programs the node agent starts in Pods.</summary>
    public static readonly string[] Names = ["trace", "flows", "status", "image"];

    public Task<int>? RunWithOwnArguments(IReadOnlyList<string> args, CliContext ctx) =>
        args[0] == CommandSpecs.Image.Name ? ImageCommand.RunAsync(args, ctx) : null;

    public Task<int> RunAsync(ParsedCommand cmd, CliContext ctx) => cmd.Spec.Name switch
    {
        "status" => StatusCommand.RunAsync(cmd, ctx),
        "trace" => TraceCommand.RunAsync(cmd, ctx),
        "flows" => FlowsCommand.RunAsync(cmd, ctx),
        _ => throw new UsageException($"podway's native client runs {string.Join(", ", Names)}, not \"{cmd.Spec.Name}\"; run it through ./podway"),
    };
}
