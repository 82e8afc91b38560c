namespace Podway.Cli;

/// <summary>`podway kubeconfig`: prints the cluster's kubeconfig (as `kind get kubeconfig` does).</summary>
internal static class KubeconfigCommand
{
    public static int Run(ParsedCommand cmd, CliContext ctx)
    {
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        if (!File.Exists(paths.Kubeconfig))
            throw new CliException($"cluster {paths.Name} has no kubeconfig ({paths.Kubeconfig} is missing): start it with sudo ./podway up --name {paths.Name}");
        try { ctx.Out.Write(File.ReadAllText(paths.Kubeconfig)); }
        catch (UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {paths.Kubeconfig}: permission denied (it holds the admin token): try sudo ./podway kubeconfig");
        }
        return 0;
    }
}
