using System.Text.Json.Nodes;
using Podway.Api.Errors;

namespace Podway.Api.Patching;

/// <summary>
/// JSON merge patch (RFC 7386, application/merge-patch+json) as evanphx/json-patch's MergePatch, which
/// kube-apiserver uses: objects merge key by key, null deletes, anything else (lists included) replaces.
/// </summary>
public static class JsonMergePatch
{
    /// <summary>
    /// Applies <paramref name="patch"/> to <paramref name="document"/>. Both are consumed: the document is
    /// changed in place and patch values are moved into it rather than cloned.
    /// </summary>
    public static JsonObject Apply(JsonObject document, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
            throw ApiException.BadRequest("Invalid JSON Patch");
        MergeInto(document, patchObject);
        return document;
    }

    static void MergeInto(JsonObject document, JsonObject patch)
    {
        var entries = patch.ToArray();
        patch.Clear();
        foreach (var (key, value) in entries)
        {
            if (value is null)
            {
                document.Remove(key);
                continue;
            }
            if (!document.TryGetPropertyValue(key, out var current) || current is null || current is not JsonObject)
            {
                PruneNulls(value);
                document[key] = value;
            }
            else if (value is JsonObject valueObject)
                MergeInto((JsonObject)current, valueObject);
            else
                document[key] = value;
        }
    }

    /// <summary>A value added whole keeps no null members (RFC 7386), also inside objects in lists.</summary>
    static void PruneNulls(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                List<string>? nulls = null;
                foreach (var (key, value) in o)
                {
                    if (value is null)
                        (nulls ??= []).Add(key);
                    else
                        PruneNulls(value);
                }
                if (nulls is not null)
                    foreach (var key in nulls)
                        o.Remove(key);
                break;
            case JsonArray a:
                foreach (var item in a)
                    if (item is not null)
                        PruneNulls(item);
                break;
        }
    }
}
