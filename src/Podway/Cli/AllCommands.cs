namespace Podway.Cli;

/// <summary>Every subcommand.</summary>
internal static class AllCommands
{
    /// <summary>A command that parses its own arguments (null: podway's parser takes them).</summary>
    public static Task<int>? RunWithOwnArguments(IReadOnlyList<string> args, CliContext ctx) =>
        args[0] == CommandSpecs.Image.Name ? ImageCommand.RunAsync(args, ctx) : null; // the image program's own flags

    public static Task<int> RunAsync(ParsedCommand cmd, CliContext ctx) => cmd.Spec.Name switch
    {
        "up" => UpCommand.RunAsync(cmd, ctx),
        "down" => DownCommand.RunAsync(cmd, ctx),
        "status" => StatusCommand.RunAsync(cmd, ctx),
        "kubeconfig" => Task.FromResult(KubeconfigCommand.Run(cmd, ctx)),
        "trace" => TraceCommand.RunAsync(cmd, ctx),
        "flows" => FlowsCommand.RunAsync(cmd, ctx),
        "server" => ServerCommand.RunAsync(cmd, ctx),
        "supervise" => ServerCommand.SuperviseAsync(cmd, ctx),
        "agent" => AgentCommand.RunAsync(cmd, ctx),
        _ => throw new UsageException($"unknown command \"{cmd.Spec.Name}\" for podway"),
    };
}
