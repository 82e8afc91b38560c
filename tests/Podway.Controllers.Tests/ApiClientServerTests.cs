using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests;

/// <summary>ApiClient's connection handling against the real server: TLS trust, bearer token, kubeconfig.</summary>
public sealed class ApiClientServerTests(RealApiServer server) : IClassFixture<RealApiServer>
{
    [Fact]
    public async Task FromKubeConfig_CaDataAndToken_ListsBootstrapNamespaces()
    {
        var path = Path.GetTempFileName();
        try
        {
            var caData = Convert.ToBase64String(Encoding.UTF8.GetBytes(server.CaCertificate.ExportCertificatePem()));
            File.WriteAllText(path, $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: podway
                  cluster:
                    server: {server.Url}
                    certificate-authority-data: {caData}
                users:
                - name: admin
                  user:
                    token: {server.BearerToken}
                contexts:
                - name: podway
                  context: {"{"}cluster: podway, user: admin{"}"}
                current-context: podway
                """);
            using var client = ApiClient.FromKubeConfig(path);
            var namespaces = await client.ListAsync(BuiltinResources.Namespace);
            var names = namespaces["items"]!.AsArray().Select(n => n!["metadata"]!["name"]!.GetValue<string>()).ToList();
            Assert.Contains("default", names);
            Assert.Contains("kube-system", names);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task GetAsync_WrongBearerToken_Unauthorized()
    {
        using var client = new ApiClient(server.Url, "not-the-token", server.CaCertificate);
        var error = await Assert.ThrowsAsync<ApiException>(() => client.GetAsync(BuiltinResources.Namespace, null, "default"));
        Assert.Equal((401, "Unauthorized"), (error.Code, error.Reason));
    }

    [Fact]
    public async Task GetAsync_ServerCertFromAnotherCa_RefusedBeforeAnyRequest()
    {
        using var key = ECDsa.Create();
        var strangerCa = new CertificateRequest("CN=stranger", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var client = new ApiClient(server.Url, server.BearerToken, strangerCa);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(BuiltinResources.Namespace, null, "default"));
    }

    [Fact]
    public async Task DiscoverAsync_RealServer_FindsDeletableBuiltinTypes()
    {
        var types = await server.Client.DiscoverAsync(["list", "watch", "delete"]);
        Assert.Contains(BuiltinResources.Pod, types);
        Assert.Contains(BuiltinResources.Deployment, types);
        Assert.Contains(BuiltinResources.Namespace, types);
        Assert.Contains(BuiltinResources.HttpRoute, types);
    }

    [Fact]
    public async Task UpdateAsync_StaleResourceVersion_ConflictAsKubeWordsIt()
    {
        var client = server.Client;
        var name = "conflict-" + Guid.NewGuid().ToString("N")[..6];
        var created = await client.CreateAsync(BuiltinResources.ConfigMap, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
        await client.PatchAsync(BuiltinResources.ConfigMap, "default", name, PatchType.Merge, new JsonObject { ["data"] = new JsonObject { ["a"] = "1" } });

        var error = await Assert.ThrowsAsync<ApiException>(() => client.UpdateAsync(BuiltinResources.ConfigMap, created));

        Assert.Equal(409, error.Code);
        Assert.Equal($"Operation cannot be fulfilled on configmaps \"{name}\": the object has been modified; please apply your changes to the latest version and try again", error.Message);
    }
}
