using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.Defaulting;

/// <summary>
/// Fills in the defaults kube-apiserver sets (SetDefaults_* in k8s.io/kubernetes pkg/apis/*/v1/defaults.go)
/// so stored objects read back as they would from a real cluster.
/// </summary>
public static partial class Defaulters
{
    public static void Apply(ResourceType type, JsonObject obj)
    {
        if (Registered.TryGetValue(type.StorageKey, out var defaulter)) defaulter(obj);
    }

    static readonly Dictionary<string, Action<JsonObject>> Registered = new();

    internal static void Register(ResourceType type, Action<JsonObject> defaulter) => Registered[type.StorageKey] = defaulter;
}
