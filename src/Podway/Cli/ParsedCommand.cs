namespace Podway.Cli;

/// <summary>A subcommand with the flags given on the command line (value null for boolean flags).</summary>
internal sealed record ParsedCommand(CommandSpec Spec, IReadOnlyDictionary<string, string?> Flags, bool HelpRequested)
{
    /// <summary>Arguments that are not flags, in order (only for commands whose spec takes them).</summary>
    public IReadOnlyList<string> Positionals { get; init; } = [];

    public bool Has(string flag) => Flags.ContainsKey(flag);
    public string? Value(string flag) => Flags.TryGetValue(flag, out var v) ? v : null;
}
