namespace Podway.E2E;

/// <summary>
/// What the edge tests share: Ingress addresses, curl from the host, backends that say which Pod answered.
/// Ingresses are cluster-wide by host, so every test uses host names of its own (see <see cref="UniqueHost"/>).
/// </summary>
internal static class EdgeCluster
{
    public static string UniqueHost(string label) => $"{label}-{Guid.NewGuid().ToString("N")[..6]}.example.com";

    /// <summary>The Ingress's status address (written by podway's edge status controller), once it has one.</summary>
    public static Task<string> AddressAsync(this ClusterFixture cluster, string ns, string ingress) =>
        Eventually.ValueAsync(
            async () => (await cluster.KubectlAsync("get", "ingress", ingress, "-n", ns, "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")).Stdout.Trim(),
            ip => ip.Length > 0, $"ingress {ns}/{ingress} gets an ADDRESS");

    /// <summary>curl with stdout trimmed (the process runner collects output line by line).</summary>
    public static async Task<ProcessResult> CurlAsync(params string[] args)
    {
        var result = await Processes.RunAsync("curl", ["-sS", "--max-time", "10", .. args]);
        return result with { Stdout = result.Stdout.Trim() };
    }

    /// <summary>curl until the answer satisfies <paramref name="done"/> (routes reach the edge Pods shortly after apply).</summary>
    public static Task<ProcessResult> CurlUntilAsync(Func<ProcessResult, bool> done, string what, params string[] args) =>
        Eventually.ValueAsync(() => CurlAsync(args), done, what);

    /// <summary>A Deployment of agnhost serve-hostname (answers its Pod name) behind a Service on port 80.</summary>
    public static string HostnameBackend(string name, int replicas) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{name}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: { app: {{name}} }
          template:
            metadata:
              labels: { app: {{name}} }
            spec:
              containers:
                - name: {{name}}
                  image: registry.k8s.io/e2e-test-images/agnhost:2.47
                  args: ["serve-hostname", "--http=true", "--port=9376"]
                  ports: [{ containerPort: 9376, name: http }]
                  readinessProbe:
                    httpGet: { path: /, port: 9376 }
                    periodSeconds: 1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
        spec:
          selector: { app: {{name}} }
          ports: [{ name: http, port: 80, targetPort: http }]
        """;

    /// <summary>An Ingress sending every path of <paramref name="host"/> to Service web:80. A null
    /// <paramref name="className"/> leaves the class to the default one; <paramref name="tlsSecret"/> adds a spec.tls
    /// entry for the host.</summary>
    public static string WebIngress(string name, string host, string? className = "nginx", string? tlsSecret = null) => $$"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: { name: {{name}} }
        spec:
          {{(className is null ? "" : $"ingressClassName: {className}")}}
          {{(tlsSecret is null ? "" : $"tls: [{{ hosts: [\"{host}\"], secretName: {tlsSecret} }}]")}}
          rules:
            - host: {{host}}
              http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
        """;
}
