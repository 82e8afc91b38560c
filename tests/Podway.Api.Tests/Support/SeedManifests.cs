using System.Text.Json.Nodes;

namespace Podway.Api.Tests.Support;

/// <summary>The seed manifests the project must accept verbatim (/work/shared/manifests), one row per object.</summary>
internal static class SeedManifests
{
    public const string Directory = "/work/shared/manifests";

    public static IEnumerable<string> Files() =>
        System.IO.Directory.GetFiles(Directory, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static List<JsonObject> Load(string file) => YamlJson.Documents(File.ReadAllText(Path.Combine(Directory, file)));

    public static JsonObject Load(string file, int index) => Load(file)[index];

    /// <summary>(file, index) of every object in every manifest, for [MemberData].</summary>
    public static IEnumerable<object[]> AllObjects() =>
        Files().SelectMany(f => Load(f).Select((_, i) => new object[] { f, i }));
}
