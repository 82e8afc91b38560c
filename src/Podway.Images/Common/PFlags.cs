using System.Globalization;

namespace Podway.Images.Common;

/// <summary>
/// Command-line flags the way spf13/pflag (cobra) reads them, which agnhost uses: --name=value, --name value,
/// boolean --name or --name=false, "--" ends the flags; errors worded as cobra prints them.
/// </summary>
internal sealed class PFlags
{
    sealed record Flag(string Name, string Kind, string Default, string Help)
    {
        public string? Value { get; set; }
    }

    readonly Dictionary<string, Flag> flags = new(StringComparer.Ordinal);

    public PFlags Int(string name, int def, string help) => Add(name, "int", def.ToString(CultureInfo.InvariantCulture), help);
    public PFlags String(string name, string def, string help) => Add(name, "string", def, help);
    public PFlags Bool(string name, bool def, string help) => Add(name, "bool", def ? "true" : "false", help);
    public PFlags Duration(string name, string def, string help) => Add(name, "duration", def, help);

    PFlags Add(string name, string kind, string def, string help)
    {
        flags[name] = new Flag(name, kind, def, help);
        return this;
    }

    public int GetInt(string name) => int.Parse(Raw(name), CultureInfo.InvariantCulture);
    public string GetString(string name) => Raw(name);
    public bool GetBool(string name) => Raw(name) == "true";
    public TimeSpan GetDuration(string name) => GoDuration.TryParse(Raw(name), out var d) ? d : TimeSpan.Zero;
    string Raw(string name) => flags[name].Value ?? flags[name].Default;

    /// <summary>Parses; returns the positional arguments, or an error message (cobra's wording) and null.</summary>
    public List<string>? Parse(IReadOnlyList<string> args, out string? error, out bool help)
    {
        error = null;
        help = false;
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--") { positional.AddRange(args.Skip(i + 1)); break; }
            if (arg is "-h" or "--help") { help = true; continue; }
            if (!arg.StartsWith('-') || arg == "-") { positional.Add(arg); continue; }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unknown shorthand flag: '{arg[1]}' in {arg}";
                return null;
            }
            var eq = arg.IndexOf('=');
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            if (!flags.TryGetValue(name, out var flag))
            {
                error = $"unknown flag: --{name}";
                return null;
            }
            string value;
            if (eq >= 0) value = arg[(eq + 1)..];
            else if (flag.Kind == "bool") value = "true";
            else if (i + 1 < args.Count) value = args[++i];
            else
            {
                error = $"flag needs an argument: --{name}";
                return null;
            }
            if (!Valid(flag.Kind, value, out var why))
            {
                error = $"invalid argument \"{value}\" for \"--{name}\" flag: {why}";
                return null;
            }
            flag.Value = flag.Kind == "bool" ? (bool.Parse(value) ? "true" : "false") : value;
        }
        return positional;
    }

    static bool Valid(string kind, string value, out string why)
    {
        why = "";
        switch (kind)
        {
            case "int" when !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _):
                why = $"strconv.ParseInt: parsing \"{value}\": invalid syntax";
                return false;
            case "bool" when !bool.TryParse(value, out _) && value is not ("1" or "0"):
                why = $"strconv.ParseBool: parsing \"{value}\": invalid syntax";
                return false;
            case "duration" when !GoDuration.TryParse(value, out _):
                why = $"time: invalid duration \"{value}\"";
                return false;
            default:
                return true;
        }
    }

    public string Usage()
    {
        var lines = flags.Values.Select(f => f.Kind == "bool"
            ? $"      --{f.Name}".PadRight(32) + f.Help + (f.Default == "true" ? " (default true)" : "")
            : $"      --{f.Name} {f.Kind}".PadRight(32) + f.Help + (f.Default.Length > 0 && f.Default != "0" ? $" (default {Quote(f)})" : ""));
        return "Flags:\n" + string.Join("\n", lines) + "\n";
    }

    static string Quote(Flag f) => f.Kind == "string" ? $"\"{f.Default}\"" : f.Default;
}
