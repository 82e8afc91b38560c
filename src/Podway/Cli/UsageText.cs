using System.Text;

namespace Podway.Cli;

internal static class UsageText
{
    public static string TopLevel()
    {
        var sb = new StringBuilder();
        sb.AppendLine("podway: a Kubernetes-compatible cluster on this Linux machine, driven by real kubectl.");
        sb.AppendLine();
        sb.AppendLine("Usage: podway <command> [flags]");
        sb.AppendLine();
        sb.AppendLine("Commands:");
        foreach (var c in CommandSpecs.All.Where(c => !c.Hidden))
            sb.AppendLine($"  {c.Name,-12}{c.Summary}");
        sb.AppendLine();
        sb.AppendLine("Run 'podway <command> --help' for the flags of a command.");
        return sb.ToString();
    }

    public static string For(CommandSpec spec)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"podway {spec.Name}: {spec.Summary}");
        sb.AppendLine();
        sb.AppendLine($"Usage: podway {spec.Name} [flags]{(spec.Arguments is null ? "" : " " + spec.Arguments)}");
        sb.AppendLine();
        sb.AppendLine("Flags:");
        foreach (var f in spec.Flags)
        {
            var label = (f.Short is null ? "" : f.Short + ", ") + (f.ValueName is null ? f.Name : f.Name + " " + f.ValueName);
            sb.AppendLine($"  {label,-18}{(label.Length >= 18 ? " " : "")}{f.Help}");
        }
        sb.AppendLine($"  {"-h, --help",-18}show this help");
        if (spec.Extra is { } extra) { sb.AppendLine(); sb.Append(extra); }
        return sb.ToString();
    }
}
