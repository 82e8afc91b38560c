using Podway.Cluster;
using Podway.Kubeconfig;
using Podway.Pki;

namespace Podway.Cli;

/// <summary>Writes the cluster's own kubeconfig and merges its context into the user's, making it current.</summary>
internal static class ClusterKubeconfig
{
    public static KubeconfigEntry EntryFor(ClusterPaths paths, ClusterConfig config, ClusterCredentials creds) =>
        new(paths.ContextName, $"https://127.0.0.1:{config.ApiPort}", creds.Ca.ExportCertificatePem() + "\n", creds.AdminToken);

    /// <summary>An API client with the cluster's own kubeconfig (admin), for the commands that read the cluster.</summary>
    public static Podway.Client.ApiClient Client(ClusterPaths paths)
    {
        if (!File.Exists(paths.Kubeconfig))
            throw new CliException($"no cluster {paths.Name} in {paths.DataDir} (start it with `podway up{(paths.Name == ClusterTarget.DefaultName ? "" : $" --name {paths.Name}")}`)");
        try { return Podway.Client.ApiClient.FromKubeConfig(paths.Kubeconfig); }
        catch (UnauthorizedAccessException) { throw new CliException($"{paths.Kubeconfig} is readable by root only: try sudo"); }
    }

    /// <summary>Returns the user kubeconfig path that was updated.</summary>
    public static string Write(ClusterPaths paths, KubeconfigEntry entry, CliContext ctx)
    {
        File.WriteAllText(paths.Kubeconfig, KubeconfigDocument.Render(entry));
        File.SetUnixFileMode(paths.Kubeconfig, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var user = UserKubeconfig.Locate(ctx.GetEnv);
        user.Write(KubeconfigDocument.Merge(user.ReadOrNull(), entry));
        return user.Path;
    }

    /// <summary>Removes the cluster's entries from the user's kubeconfig; returns its path if anything changed.</summary>
    public static string? RemoveFromUser(ClusterPaths paths, CliContext ctx)
    {
        var user = UserKubeconfig.Locate(ctx.GetEnv);
        if (user.ReadOrNull() is not { } yaml) return null;
        if (KubeconfigDocument.Remove(yaml, paths.ContextName) is not { } updated) return null;
        user.Write(updated);
        return user.Path;
    }
}
