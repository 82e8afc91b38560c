namespace Podway.Cli;

/// <summary>The subcommands one build of podway runs: all of them, or the client commands of the native build.</summary>
internal interface ICommandSet
{
    /// <summary>A command that parses its own arguments (null: podway's parser takes them).</summary>
    Task<int>? RunWithOwnArguments(IReadOnlyList<string> args, CliContext ctx);

    Task<int> RunAsync(ParsedCommand cmd, CliContext ctx);
}
