using System.Text;
using System.Text.Json.Nodes;

namespace Podway.Controllers.Tests.Endpoints;

/// <summary>The team's seed manifests (PODWAY_SHARED_DIR/manifests, else the nearest shared/manifests above the test binaries).</summary>
internal static class SeedManifests
{
    public static string Directory { get; } = Find();

    static string Find()
    {
        if (Environment.GetEnvironmentVariable("PODWAY_SHARED_DIR") is { Length: > 0 } shared) return Path.Combine(shared, "manifests");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "manifests");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("cannot find shared/manifests; set PODWAY_SHARED_DIR");
    }

    /// <summary>One YAML document as the API server reads it.</summary>
    public static JsonObject Parse(string yaml) => (JsonObject)Podway.ApiServer.Http.YamlToJson.Convert(Encoding.UTF8.GetBytes(yaml));
}
