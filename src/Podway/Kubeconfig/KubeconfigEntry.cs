namespace Podway.Kubeconfig;

/// <summary>The cluster, user and context podway adds to a kubeconfig; all three share one name (podway-NAME).</summary>
internal sealed record KubeconfigEntry(string Name, string Server, string CaPem, string Token);
