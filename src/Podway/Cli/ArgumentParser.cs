namespace Podway.Cli;

/// <summary>Hand-rolled parser: `podway CMD [--flag value | --flag=value | --bool]...`, errors worded for humans.</summary>
internal static class ArgumentParser
{
    /// <summary>Returns null when no subcommand was given or top-level help was asked for.</summary>
    public static ParsedCommand? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
            return null;
        var spec = CommandSpecs.All.FirstOrDefault(c => c.Name == args[0])
            ?? throw new UsageException(args[0].StartsWith('-')
                ? $"unknown flag {args[0]} for podway"
                : $"unknown command \"{args[0]}\" for podway");
        var flags = new Dictionary<string, string?>(StringComparer.Ordinal);
        var help = false;
        var positionals = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h") { help = true; continue; }
            if (!arg.StartsWith("--", StringComparison.Ordinal) && !(arg.Length == 2 && arg[0] == '-' && spec.Find(arg) is not null))
            {
                if (spec.Arguments is null || arg.StartsWith('-'))
                    throw new UsageException(arg.StartsWith('-') ? $"unknown flag {arg} for podway {spec.Name}" : $"unexpected argument \"{arg}\" for podway {spec.Name}");
                positionals.Add(arg);
                continue;
            }
            var eq = arg.IndexOf('=');
            var name = eq < 0 ? arg : arg[..eq];
            var flag = spec.Find(name) ?? throw new UsageException($"unknown flag {name} for podway {spec.Name}");
            name = flag.Name;
            if (!flag.TakesValue)
            {
                if (eq >= 0) throw new UsageException($"flag {name} for podway {spec.Name} takes no value");
                flags[name] = null;
                continue;
            }
            string value;
            if (eq >= 0) value = arg[(eq + 1)..];
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            else throw new UsageException($"flag {name} for podway {spec.Name} needs a value ({flag.ValueName})");
            flags[name] = value;
        }
        return new ParsedCommand(spec, flags, help) { Positionals = positionals };
    }
}
