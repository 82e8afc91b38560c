namespace Podway.Cluster;

/// <summary>Where one cluster keeps its files inside its data directory.</summary>
internal sealed record ClusterPaths(string Name, string DataDir)
{
    public string ConfigFile => Path.Combine(DataDir, "cluster.json");
    public string PidFile => Path.Combine(DataDir, "podway.pid");
    public string LogsDir => Path.Combine(DataDir, "logs");
    public string LogFile => Path.Combine(LogsDir, "podway.log");
    public string Kubeconfig => Path.Combine(DataDir, "kubeconfig");
    public string PkiDir => Path.Combine(DataDir, "pki");
    public string CaCert => Path.Combine(PkiDir, "ca.crt");
    public string CaKey => Path.Combine(PkiDir, "ca.key");
    public string ServingCert => Path.Combine(PkiDir, "apiserver.crt");
    public string ServingKey => Path.Combine(PkiDir, "apiserver.key");
    public string AdminToken => Path.Combine(PkiDir, "admin.token");
    /// <summary>kubectl context, cluster and user name, as kind names them.</summary>
    public string ContextName => "podway-" + Name;
}
