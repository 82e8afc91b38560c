using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Podway.Kubeconfig;

/// <summary>
/// Adds or removes podway's entries in a kubeconfig, working on the YAML tree so every other
/// cluster, user, context, preference and unknown field is kept as it was (as kind does).
/// </summary>
internal static class KubeconfigDocument
{
    public static string Render(KubeconfigEntry entry) => Merge(null, entry);

    /// <summary>Returns <paramref name="existingYaml"/> with the entry's cluster, user and context upserted and made current.</summary>
    public static string Merge(string? existingYaml, KubeconfigEntry entry)
    {
        var root = LoadRoot(existingYaml);
        SetScalarIfMissing(root, "apiVersion", "v1");
        SetScalarIfMissing(root, "kind", "Config");
        Upsert(root, "clusters", entry.Name, "cluster", Map(
            ("certificate-authority-data", new YamlScalarNode(Convert.ToBase64String(Encoding.ASCII.GetBytes(entry.CaPem)))),
            ("server", new YamlScalarNode(entry.Server))));
        Upsert(root, "users", entry.Name, "user", Map(("token", new YamlScalarNode(entry.Token))));
        Upsert(root, "contexts", entry.Name, "context", Map(
            ("cluster", new YamlScalarNode(entry.Name)),
            ("user", new YamlScalarNode(entry.Name))));
        root.Children[Key("current-context")] = new YamlScalarNode(entry.Name);
        SetIfMissing(root, "preferences", new YamlMappingNode());
        return Save(root);
    }

    /// <summary>Removes the cluster, user and context named <paramref name="name"/>; clears current-context if it was ours.</summary>
    /// <returns>the new YAML, or null when the file held nothing of ours</returns>
    public static string? Remove(string existingYaml, string name)
    {
        var root = LoadRoot(existingYaml);
        var changed = false;
        foreach (var list in new[] { "clusters", "users", "contexts" })
        {
            if (root.Children.TryGetValue(Key(list), out var node) && node is YamlSequenceNode seq)
                foreach (var item in seq.Children.Where(i => NameOf(i) == name).ToList())
                    changed |= seq.Children.Remove(item);
        }
        if (root.Children.TryGetValue(Key("current-context"), out var cur) && cur is YamlScalarNode { Value: var v } && v == name)
        {
            root.Children[Key("current-context")] = new YamlScalarNode("") { Style = ScalarStyle.DoubleQuoted };
            changed = true;
        }
        return changed ? Save(root) : null;
    }

    /// <summary>Names of the contexts in a kubeconfig and the current one (for tests and status).</summary>
    public static (IReadOnlyList<string> Contexts, string? Current) Describe(string yaml)
    {
        var root = LoadRoot(yaml);
        var contexts = root.Children.TryGetValue(Key("contexts"), out var n) && n is YamlSequenceNode s
            ? s.Children.Select(NameOf).OfType<string>().ToList() : [];
        var current = root.Children.TryGetValue(Key("current-context"), out var c) ? (c as YamlScalarNode)?.Value : null;
        return (contexts, string.IsNullOrEmpty(current) ? null : current);
    }

    static YamlScalarNode Key(string k) => new(k);

    static YamlMappingNode Map(params (string Key, YamlNode Value)[] pairs)
    {
        var m = new YamlMappingNode();
        foreach (var (k, v) in pairs) m.Add(k, v);
        return m;
    }

    static YamlMappingNode LoadRoot(string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml)) return new YamlMappingNode();
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw new Cli.CliException($"cannot parse kubeconfig: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            return new YamlMappingNode();
        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new Cli.CliException("cannot use kubeconfig: its top level is not a mapping");
    }

    static string? NameOf(YamlNode item) =>
        item is YamlMappingNode m && m.Children.TryGetValue(Key("name"), out var n) ? (n as YamlScalarNode)?.Value : null;

    static void Upsert(YamlMappingNode root, string list, string name, string field, YamlMappingNode body)
    {
        if (!root.Children.TryGetValue(Key(list), out var node) || node is not YamlSequenceNode seq)
        {
            seq = new YamlSequenceNode();
            root.Children[Key(list)] = seq;
        }
        var entry = Map(("name", new YamlScalarNode(name)), (field, body));
        var index = seq.Children.ToList().FindIndex(i => NameOf(i) == name);
        if (index >= 0) seq.Children[index] = entry;
        else seq.Children.Add(entry);
    }

    static void SetScalarIfMissing(YamlMappingNode root, string key, string value) => SetIfMissing(root, key, new YamlScalarNode(value));

    static void SetIfMissing(YamlMappingNode root, string key, YamlNode value)
    {
        if (!root.Children.ContainsKey(Key(key))) root.Children[Key(key)] = value;
    }

    static string Save(YamlMappingNode root)
    {
        var sw = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(sw, assignAnchors: false);
        // YamlStream closes each document with an explicit "..." marker; kubeconfigs conventionally have none.
        var text = sw.ToString().TrimEnd();
        if (text.EndsWith("...", StringComparison.Ordinal)) text = text[..^3].TrimEnd();
        return text + "\n";
    }
}
