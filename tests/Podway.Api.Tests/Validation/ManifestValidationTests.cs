using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Api.Validation;
using YamlDotNet.RepresentationModel;

namespace Podway.Api.Tests.Validation;

public sealed class ManifestValidationTests
{
    static readonly string ManifestDir = FindManifests();

    static string FindManifests()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "manifests");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(dir.FullName, "..", "shared", "manifests");
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return "/work/shared/manifests";
    }

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(ManifestDir, "*.yaml").OrderBy(f => f)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ValidateCreate_SeedManifest_HasNoErrors(string file)
    {
        var objects = Yaml.LoadAll(File.ReadAllText(Path.Combine(ManifestDir, file)));
        Assert.NotEmpty(objects);
        foreach (var obj in objects)
        {
            var type = BuiltinResources.FindByKind(obj["apiVersion"]!.GetValue<string>(), obj["kind"]!.GetValue<string>());
            Assert.NotNull(type);
            var meta = obj["metadata"]!.AsObject();
            // What the server does before validation: the namespace comes from the URL.
            if (type.Namespaced && meta["namespace"] is null) meta["namespace"] = "default";
            var errors = Validators.For(type).ValidateCreate(obj);
            Assert.True(errors.Count == 0, $"{file} {type.Kind}: " + string.Join("; ", errors.Select(e => e.Text)));
        }
    }
}

/// <summary>YAML documents to JsonObjects, with scalars typed the way kubectl's YAML-to-JSON does (ints, bools, strings).</summary>
internal static class Yaml
{
    public static List<JsonObject> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Where(d => d.RootNode is YamlMappingNode).Select(d => (JsonObject)Convert(d.RootNode)!).ToList();
    }

    public static JsonObject One(string text) => LoadAll(text).Single();

    static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, Convert(p.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
        YamlScalarNode sc => Scalar(sc),
        _ => null,
    };

    static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) return JsonValue.Create(v);
        if (v is "null" or "~" or "") return null;
        if (v is "true" or "false") return JsonValue.Create(v == "true");
        if (long.TryParse(v, out var l)) return JsonValue.Create(l);
        return JsonValue.Create(v);
    }
}
