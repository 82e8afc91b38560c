using System.Security.Cryptography;
using System.Text.Json;

namespace Podway.Pki;

/// <summary>
/// The bearer tokens of the cluster's own components (controllers, node agents, the DNS and edge add-ons), kept in DATA/pki/components.json (0600) so that they outlive a control-plane restart: agents
/// and add-on Pods that keep running across it stay authorized, as service account tokens do on kube.
/// </summary>
internal sealed record ComponentTokens(string Controller, string Agent, string Dns, string Edge)
{
    public static ComponentTokens LoadOrCreate(string pkiDir)
    {
        var file = Path.Combine(pkiDir, "components.json");
        try
        {
            if (JsonSerializer.Deserialize(File.ReadAllText(file), ComponentTokensJson.Default.ComponentTokens) is { } stored && stored.All().All(t => t is { Length: >= 32 }))
                return stored;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException) { }
        var tokens = new ComponentTokens(New(), New(), New(), New());
        Directory.CreateDirectory(pkiDir);
        var temp = file + ".tmp";
        File.Delete(temp);
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
            JsonSerializer.Serialize(stream, tokens, ComponentTokensJson.Default.ComponentTokens);
        File.Move(temp, file, overwrite: true);
        return tokens;
    }

    IEnumerable<string?> All() => [Controller, Agent, Dns, Edge];

    static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(ComponentTokens))]
internal sealed partial class ComponentTokensJson : System.Text.Json.Serialization.JsonSerializerContext;
