using System.Text;
using System.Text.Json.Nodes;

namespace Podway.Api.Patching;

/// <summary>
/// A set of field paths, as structured-merge-diff's fieldpath.Set, serialised as managedFields' FieldsV1
/// ("f:name", "k:{...}", "v:...", "." for a node that is itself a member and has children).
/// </summary>
internal sealed class FieldSet
{
    public bool Member { get; set; }
    SortedDictionary<string, FieldSet>? children;

    public bool IsEmpty => !Member && (children is null || children.Values.All(c => c.IsEmpty));

    public IEnumerable<KeyValuePair<string, FieldSet>> Children => children ?? Enumerable.Empty<KeyValuePair<string, FieldSet>>();

    public FieldSet Child(string element)
    {
        children ??= new(StringComparer.Ordinal);
        if (!children.TryGetValue(element, out var child))
            children[element] = child = new FieldSet();
        return child;
    }

    public FieldSet? Find(string element) => children?.GetValueOrDefault(element);

    public void Insert(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
            node = node.Child(element);
        node.Member = true;
    }

    public bool Contains(IReadOnlyList<string> path) => Walk(path) is { Member: true };

    /// <summary>True when the path or anything under it is in the set.</summary>
    public bool ContainsPrefix(IReadOnlyList<string> path) => Walk(path) is { IsEmpty: false };

    FieldSet? Walk(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
            if ((node = node.Find(element)) is null)
                return null;
        return node;
    }

    public FieldSet Union(FieldSet other)
    {
        var result = new FieldSet { Member = Member || other.Member };
        foreach (var (k, v) in Children) result.Child(k).AddAll(v);
        foreach (var (k, v) in other.Children) result.Child(k).AddAll(v);
        result.Prune();
        return result;
    }

    void AddAll(FieldSet other)
    {
        Member |= other.Member;
        foreach (var (k, v) in other.Children)
            Child(k).AddAll(v);
    }

    public FieldSet Difference(FieldSet other) => Combine(other, (a, b) => a && !b);

    public FieldSet Intersection(FieldSet other) => Combine(other, (a, b) => a && b);

    FieldSet Combine(FieldSet other, Func<bool, bool, bool> member)
    {
        var result = new FieldSet { Member = member(Member, other.Member) };
        foreach (var (k, v) in Children)
        {
            var c = other.Find(k) is { } o ? v.Combine(o, member) : member(true, false) ? v.Copy() : new FieldSet();
            if (!c.IsEmpty) result.Child(k).AddAll(c);
        }
        return result;
    }

    FieldSet Copy()
    {
        var copy = new FieldSet();
        copy.AddAll(this);
        return copy;
    }

    void Prune()
    {
        if (children is null) return;
        foreach (var key in children.Where(c => { c.Value.Prune(); return c.Value.IsEmpty; }).Select(c => c.Key).ToList())
            children.Remove(key);
    }

    /// <summary>Every member path, in sorted order.</summary>
    public IEnumerable<List<string>> Paths()
    {
        var path = new List<string>();
        return Collect(this, path);

        static IEnumerable<List<string>> Collect(FieldSet node, List<string> path)
        {
            if (node.Member)
                yield return [.. path];
            foreach (var (k, v) in node.Children)
            {
                if (v.IsEmpty) continue;
                path.Add(k);
                foreach (var p in Collect(v, path))
                    yield return p;
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    public JsonObject ToFieldsV1()
    {
        var json = new JsonObject();
        foreach (var (k, v) in Children)
        {
            if (v.IsEmpty) continue;
            var child = v.ToFieldsV1();
            if (v.Member && child.Count > 0)
                child.Insert(0, ".", new JsonObject());
            json[k] = child;
        }
        return json;
    }

    public static FieldSet FromFieldsV1(JsonObject? json)
    {
        var set = new FieldSet();
        if (json is not null)
            Read(set, json);
        return set;

        static void Read(FieldSet node, JsonObject json)
        {
            foreach (var (k, v) in json)
            {
                if (k == ".") { node.Member = true; continue; }
                var child = node.Child(k);
                if (v is JsonObject o && o.Count > 0) Read(child, o);
                else child.Member = true;
            }
        }
    }

    /// <summary>A path as kube prints it in conflicts: .spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].</summary>
    public static string Format(IEnumerable<string> path)
    {
        var text = new StringBuilder();
        foreach (var element in path)
        {
            var value = element[2..];
            switch (element[0])
            {
                case 'f': text.Append('.').Append(value); break;
                case 'v': text.Append("[=").Append(value).Append(']'); break;
                case 'i': text.Append('[').Append(value).Append(']'); break;
                case 'k':
                    var key = JsonNode.Parse(value)!.AsObject();
                    text.Append('[').Append(string.Join(",", key.Select(p => $"{p.Key}={p.Value!.ToJsonString()}"))).Append(']');
                    break;
            }
        }
        return text.ToString();
    }
}
