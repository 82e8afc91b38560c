namespace Podway.E2E.Ingress;

/// <summary>
/// The namespaces one test made, deleted when it ends (xunit disposes the test class instance after each test): their
/// Ingresses first and waited for, since a leftover `spec.defaultBackend` would become the catch-all of every later
/// test's unmatched requests (as the conformance suite deletes its namespace after each scenario).
/// </summary>
public abstract class OwnNamespaces(ClusterFixture cluster) : IAsyncLifetime
{
    readonly List<string> _namespaces = [];

    protected ClusterFixture Cluster => cluster;

    protected async Task<string> NewNamespaceAsync(string prefix)
    {
        var ns = await cluster.NewNamespaceAsync(prefix);
        _namespaces.Add(ns);
        return ns;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var ns in _namespaces)
        {
            await cluster.KubectlAsync("delete", "ingress", "--all", "-n", ns, "--wait=true", "--timeout=30s");
            await cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }
}
