namespace Podway.Api.Patching;

/// <summary>
/// How one field merges, taken from k8s.io/api struct tags: patchStrategy/patchMergeKey for strategic merge patch,
/// listType/listMapKey/structType for server-side apply. A field without an entry merges as a plain map (objects)
/// or is atomic (lists).
/// </summary>
internal sealed class FieldSchema
{
    /// <summary>patchStrategy "merge" on a list: keyed (MergeKey set) or a set of primitives (MergeKey null).</summary>
    public bool MergeList { get; init; }

    /// <summary>patchStrategy "retainKeys".</summary>
    public bool RetainKeys { get; init; }

    /// <summary>patchStrategy "replace": the patch value replaces the field whole.</summary>
    public bool Replace { get; init; }

    /// <summary>patchMergeKey: the one key strategic merge patch matches list elements by.</summary>
    public string? MergeKey { get; init; }

    /// <summary>listMapKey(s) server-side apply identifies elements by (often MergeKey plus protocol).</summary>
    public string[] ListMapKeys { get; init; } = [];

    /// <summary>Defaults of key fields, used when an element omits one (protocol: TCP), as structured-merge-diff does.</summary>
    public IReadOnlyDictionary<string, string>? KeyDefaults { get; init; }

    /// <summary>structType=atomic (e.g. LabelSelector): server-side apply owns the value as a whole.</summary>
    public bool Atomic { get; init; }

    /// <summary>Schema of the nested object, or of each list element.</summary>
    public StructSchema? Child { get; init; }
}

/// <summary>The fields of one struct that need more than the defaults.</summary>
internal sealed class StructSchema(Dictionary<string, FieldSchema> fields)
{
    public static readonly StructSchema Empty = new([]);

    public FieldSchema? Field(string name) => fields.GetValueOrDefault(name);
}
