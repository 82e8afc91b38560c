using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Podway.Client.Addons;

/// <summary>
/// How podway's add-on Pods (DNS, edge) reach the API server: the URL in the environment, the token from the
/// add-on's Secret and the CA from the namespace's kube-root-ca.crt, as a ServiceAccount's mounted files would give.
/// </summary>
public static class AddonApiAccess
{
    public const string ApiServerVariable = "PODWAY_API_SERVER", TokenVariable = "PODWAY_TOKEN", CaVariable = "PODWAY_CA";

    /// <summary>The container env entries: URL as a value, token from <paramref name="secretName"/>'s `token` key, CA from kube-root-ca.crt.</summary>
    public static JsonObject[] Env(string apiServerUrl, string secretName) =>
    [
        new JsonObject { ["name"] = ApiServerVariable, ["value"] = apiServerUrl },
        new JsonObject
        {
            ["name"] = TokenVariable,
            ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = secretName, ["key"] = "token" } },
        },
        new JsonObject
        {
            ["name"] = CaVariable,
            ["valueFrom"] = new JsonObject { ["configMapKeyRef"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["key"] = "ca.crt" } },
        },
    ];

    /// <summary>The add-on's Secret holding the API token that <see cref="Env"/> reads (key `token`).</summary>
    public static JsonObject TokenSecret(string name, string ns, JsonObject labels, string token) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels },
        ["type"] = "Opaque",
        ["data"] = new JsonObject { ["token"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)) },
    };

    /// <summary>A client from this process's environment; null (with the reason on stderr, prefixed by <paramref name="program"/>) when the URL is missing or malformed.</summary>
    public static ApiClient? ClientFromEnvironment(string program)
    {
        var server = Environment.GetEnvironmentVariable(ApiServerVariable);
        if (string.IsNullOrEmpty(server) || !Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
        {
            Console.Error.WriteLine($"{program}: {ApiServerVariable} is not set to a URL");
            return null;
        }
        var caPem = Environment.GetEnvironmentVariable(CaVariable);
        var ca = string.IsNullOrEmpty(caPem) ? null : X509Certificate2.CreateFromPem(caPem);
        return new ApiClient(serverUri, Environment.GetEnvironmentVariable(TokenVariable), ca);
    }
}
