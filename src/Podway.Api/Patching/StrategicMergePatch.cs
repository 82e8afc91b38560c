using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.Api.Patching;

/// <summary>
/// Strategic merge patch (application/strategic-merge-patch+json), as k8s.io/apimachinery's
/// strategicpatch.StrategicMergeMapPatch applies it on the server (MergeParallelList, IgnoreUnmatchedNulls).
/// </summary>
public static class StrategicMergePatch
{
    const string DirectiveMarker = "$patch";
    const string RetainKeysDirective = "$retainKeys";
    const string SetElementOrderPrefix = "$setElementOrder/";
    const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>
    /// Applies <paramref name="patch"/> to <paramref name="original"/> and returns the result. Both arguments are
    /// consumed: the original is changed in place (and usually returned) and patch values are moved into it, so
    /// nothing is deep-cloned. Pass copies if either is still needed.
    /// </summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch, ResourceType type)
    {
        if (!PatchSchemas.SupportsStrategicMerge(type))
            throw new ApiException(415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        return MergeMap(original, patch, PatchSchemas.For(type));
    }

    static JsonObject MergeMap(JsonObject original, JsonObject patch, StructSchema? schema)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            switch (AsString(directive))
            {
                case "replace":
                    patch.Remove(DirectiveMarker);
                    return MergeMap([], patch, schema);
                case "delete":
                    return [];
                default:
                    throw SmpErrors.BadPatchType(directive, patch);
            }
        }

        ApplyRetainKeys(original, patch);

        var entries = patch.ToArray();
        patch.Clear(); // detaches the values so they can move into original without cloning

        HashSet<string>? orderedFields = null;
        foreach (var (key, value) in entries)
        {
            if (!key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
                continue;
            var field = key[SetElementOrderPrefix.Length..];
            var patchList = Array.Find(entries, e => e.Key == field).Value;
            MergeWithElementOrder(original, field, value, patchList, schema?.Field(field));
            (orderedFields ??= []).Add(field);
        }

        foreach (var (entryKey, value) in entries)
        {
            var key = entryKey;
            if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) || orderedFields?.Contains(key) == true)
                continue;
            var isDeleteList = key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal);
            if (isDeleteList)
                key = key[DeleteFromPrimitiveListPrefix.Length..];

            if (value is null)
            {
                original.Remove(key);
                continue;
            }

            var field = schema?.Field(key);
            if (!original.TryGetPropertyValue(key, out var current) || current is null || current.GetValueKind() != value.GetValueKind()
                && !(current is JsonValue && value is JsonValue))
            {
                // Absent from the original (kube takes the patch value as is; merging into nothing also drops
                // directives and nulls the typed decoding would drop).
                original[key] = Fresh(value, field);
                continue;
            }

            original[key] = (current, value) switch
            {
                (JsonObject c, JsonObject p) when field?.Replace != true => MergeMap(c, p, field?.Child),
                (JsonObject, JsonObject) => MergeMap([], (JsonObject)value, field?.Child),
                (JsonArray c, JsonArray p) when field?.MergeList == true => MergeSlice(c, p, field, isDeleteList),
                _ => value,
            };
        }
        return original;
    }

    /// <summary>A patch value for a field the original lacks, with its directives resolved.</summary>
    static JsonNode? Fresh(JsonNode value, FieldSchema? field) => value switch
    {
        JsonObject o => MergeMap([], o, field?.Child),
        JsonArray a when field?.MergeList == true => MergeSlice([], a, field, false),
        _ => value,
    };

    static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retain))
            return;
        patch.Remove(RetainKeysDirective);
        if (retain is not JsonArray list)
            throw SmpErrors.BadPatchFormatForRetainKeys();
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
            if (AsString(item) is { } s)
                keep.Add(s);
        foreach (var (key, value) in patch)
        {
            if (value is null || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal) || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
                continue;
            if (!keep.Contains(key))
                throw SmpErrors.BadPatchFormatForRetainKeys();
        }
        foreach (var key in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            original.Remove(key);
    }

    /// <summary>mergePatchIntoOriginal: merges a list whose order a $setElementOrder directive fixes.</summary>
    static void MergeWithElementOrder(JsonObject original, string field, JsonNode? orderNode, JsonNode? patchNode, FieldSchema? schema)
    {
        if (orderNode is not JsonArray orderArray)
            throw SmpErrors.Unclassified($"expected []interface {{}}, but got {GoType(orderNode)}");
        if (field.Length == 0)
            throw SmpErrors.BadPatchFormatForSetElementOrderList();
        original.TryGetPropertyValue(field, out var originalNode);
        var originalList = originalNode switch
        {
            null => null,
            JsonArray a => a,
            _ => throw SmpErrors.Unclassified($"expected []interface {{}}, but got {GoType(originalNode)}"),
        };
        var patchList = patchNode switch
        {
            null => null,
            JsonArray a => a,
            _ => throw SmpErrors.Unclassified($"expected []interface {{}}, but got {GoType(patchNode)}"),
        };
        var mergeKey = schema?.MergeList == true ? schema.MergeKey : null;
        var order = orderArray.ToList();
        if (patchList is not null)
            ValidateAgainstOrder(patchList, order, mergeKey);

        var serverOrder = originalList is null ? [] : Ids(originalList, mergeKey);
        JsonArray merged;
        if (originalList is not null && patchList is not null)
            merged = schema?.MergeList == true ? MergeSlice(originalList, patchList, schema, false) : patchList;
        else if (patchList is not null)
            merged = Fresh(patchList, schema) as JsonArray ?? patchList;
        else if (originalList is not null)
            merged = originalList;
        else
            return;

        var items = merged.ToList();
        merged.Clear();
        var orderIds = Ids(order, mergeKey);
        var (patchItems, serverOnly) = Partition(items, orderIds, mergeKey);
        original[field] = new JsonArray(NormalizeElementOrder(patchItems, serverOnly, orderIds, serverOrder, mergeKey).ToArray());
    }

    /// <summary>validatePatchWithSetOrderList: the patch list must follow the order list (deletions aside).</summary>
    static void ValidateAgainstOrder(JsonArray patchList, List<JsonNode?> order, string? mergeKey)
    {
        if (order.Count == 0 || patchList.Count == 0)
            return;
        var nonDelete = mergeKey is null ? patchList.ToList() : patchList.Where(e => !IsDeleteDirective(e)).ToList();
        int p = 0, o = 0;
        while (p < nonDelete.Count && o < order.Count)
        {
            if (nonDelete[p] is JsonObject m && m.ContainsKey(DirectiveMarker)) { p++; continue; }
            if (Same(Id(nonDelete[p], mergeKey), Id(order[o], mergeKey)))
                p++;
            o++;
        }
        if (p < nonDelete.Count && o >= order.Count)
            throw SmpErrors.Unclassified($"The order in patch list:\n{GoFormat.Value(patchList)}\n doesn't match $setElementOrder list:\n{GoFormat.Value(new JsonArray())}\n");
    }

    static JsonArray MergeSlice(JsonArray originalArray, JsonArray patchArray, FieldSchema field, bool isDeleteList)
    {
        if (originalArray.Count == 0 && patchArray.Count == 0)
            return originalArray;
        var original = originalArray.ToList();
        var patch = patchArray.ToList();
        originalArray.Clear();
        patchArray.Clear();

        var maps = ElementsAreMaps(original, patch);
        string? mergeKey = null;
        List<JsonNode?> merged;
        List<JsonNode?> serverOrder;
        List<JsonNode?> patchIds;
        if (!maps)
        {
            if (isDeleteList)
                return new JsonArray(original.Where(v => !patch.Any(d => Same(v, d))).ToArray());
            merged = DeduplicateScalars([.. original, .. patch]);
            serverOrder = original;
            patchIds = patch;
        }
        else
        {
            mergeKey = field.MergeKey ?? throw SmpErrors.Unclassified("cannot merge lists without merge key for type struct");
            var replace = false;
            var plain = new List<JsonNode?>(patch.Count);
            foreach (var element in patch)
            {
                var map = (JsonObject)element!;
                if (!map.TryGetPropertyValue(DirectiveMarker, out var directive)) { plain.Add(map); continue; }
                switch (AsString(directive))
                {
                    case "delete":
                        if (!map.TryGetPropertyValue(mergeKey, out var keyValue))
                            throw SmpErrors.NoMergeKey(map, mergeKey);
                        original.RemoveAll(o => Same(((JsonObject)o!)[mergeKey], keyValue));
                        break;
                    case "replace":
                        replace = true;
                        break;
                    case "merge":
                        throw SmpErrors.Unclassified("merging lists cannot yet be specified in the patch");
                    default:
                        throw SmpErrors.BadPatchType(directive, map);
                }
            }
            if (replace)
            {
                original = plain;
                plain = [];
            }
            patch = plain;
            patchIds = Ids(patch, mergeKey); // read before merging empties the patch maps
            serverOrder = original;
            merged = new List<JsonNode?>(original);
            foreach (var element in patch)
            {
                var map = (JsonObject)element!;
                if (!map.TryGetPropertyValue(mergeKey, out var keyValue))
                    throw SmpErrors.NoMergeKey(map, mergeKey);
                var index = merged.FindIndex(o => o is JsonObject om && om.TryGetPropertyValue(mergeKey, out var k) && Same(k, keyValue));
                if (index >= 0)
                    merged[index] = MergeMap((JsonObject)merged[index]!, map, field.Child);
                else
                    merged.Add(map);
            }
        }

        if (maps)
        {
            // Elements appended from the patch still carry their directives; resolve them now.
            for (var i = 0; i < merged.Count; i++)
                if (!serverOrder.Contains(merged[i]) && merged[i] is JsonObject fresh)
                    merged[i] = MergeMap([], fresh, field.Child);
        }
        var (patchItems, serverOnly) = Partition(merged, patchIds, mergeKey);
        return new JsonArray(NormalizeElementOrder(patchItems, serverOnly, patchIds, Ids(serverOrder, mergeKey), mergeKey).ToArray());
    }

    static bool ElementsAreMaps(List<JsonNode?> original, List<JsonNode?> patch)
    {
        bool? maps = null;
        foreach (var item in original.Concat(patch))
        {
            if (item is JsonArray)
                throw SmpErrors.NoListOfLists();
            var isMap = item is JsonObject;
            if (maps is { } m && m != isMap)
                throw SmpErrors.Unclassified("lists of mixed types cannot be merged");
            maps = isMap;
        }
        return maps == true;
    }

    /// <summary>deduplicateScalars, including its swap-with-last order, which decides the merged order.</summary>
    static List<JsonNode?> DeduplicateScalars(List<JsonNode?> s)
    {
        var length = s.Count - 1;
        for (var i = 0; i < length; i++)
            for (var j = i + 1; j <= length; j++)
                if (Same(s[i], s[j]))
                {
                    s[j] = s[length];
                    s.RemoveAt(length);
                    length--;
                    j--;
                }
        return s;
    }

    static (List<JsonNode?> InPatch, List<JsonNode?> ServerOnly) Partition(List<JsonNode?> merged, List<JsonNode?> by, string? mergeKey)
    {
        var inPatch = new List<JsonNode?>(merged.Count);
        var serverOnly = new List<JsonNode?>(merged.Count);
        foreach (var item in merged)
        {
            var id = Id(item, mergeKey);
            (by.Any(b => Same(b, id)) ? inPatch : serverOnly).Add(item);
        }
        return (inPatch, serverOnly);
    }

    /// <summary>normalizeElementOrder: sorts patch items by the patch order and server-only items by the live
    /// order, then interleaves them by live position; items the live list lacks go first.</summary>
    static List<JsonNode?> NormalizeElementOrder(List<JsonNode?> patch, List<JsonNode?> serverOnly, List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string? mergeKey)
    {
        SortBy(patch, patchOrder, mergeKey);
        SortBy(serverOnly, serverOrder, mergeKey);
        var result = new List<JsonNode?>(patch.Count + serverOnly.Count);
        int i = 0, j = 0;
        while (i < serverOnly.Count || j < patch.Count)
        {
            if (j >= patch.Count) { result.Add(serverOnly[i++]); continue; }
            if (i >= serverOnly.Count) { result.Add(patch[j++]); continue; }
            var li = IndexOf(serverOrder, Id(serverOnly[i], mergeKey));
            var ri = IndexOf(serverOrder, Id(patch[j], mergeKey));
            if (li >= 0 && ri >= 0 && li < ri)
                result.Add(serverOnly[i++]);
            else
                result.Add(patch[j++]);
        }
        return result;
    }

    /// <summary>sort.SliceStable with kube's comparator, which calls an item "less" whenever either is unknown;
    /// insertion sort is what Go runs for the list sizes found in objects.</summary>
    static void SortBy(List<JsonNode?> items, List<JsonNode?> order, string? mergeKey)
    {
        if (mergeKey is not null)
        {
            foreach (var item in items)
                if (item is JsonObject m && !m.ContainsKey(mergeKey))
                    throw SmpErrors.NoMergeKey(m, mergeKey);
        }
        var positions = items.Select(item => IndexOf(order, Id(item, mergeKey))).ToList();
        for (var i = 1; i < items.Count; i++)
            for (var j = i; j > 0 && Less(positions[j], positions[j - 1]); j--)
            {
                (items[j], items[j - 1]) = (items[j - 1], items[j]);
                (positions[j], positions[j - 1]) = (positions[j - 1], positions[j]);
            }

        static bool Less(int a, int b) => a < 0 || b < 0 || a < b;
    }

    static int IndexOf(List<JsonNode?> ids, JsonNode? id)
    {
        for (var i = 0; i < ids.Count; i++)
            if (Same(ids[i], id))
                return i;
        return -1;
    }

    static List<JsonNode?> Ids(IEnumerable<JsonNode?> items, string? mergeKey) => items.Select(i => Id(i, mergeKey)).ToList();

    /// <summary>An element's identity: its merge key value, or the value itself in a primitive list.</summary>
    static JsonNode? Id(JsonNode? item, string? mergeKey) =>
        mergeKey is not null && item is JsonObject m ? m[mergeKey] : item;

    static bool IsDeleteDirective(JsonNode? item) =>
        item is JsonObject m && m.TryGetPropertyValue(DirectiveMarker, out var d) && AsString(d) == "delete";

    internal static bool Same(JsonNode? a, JsonNode? b)
    {
        if (a is JsonValue va && b is JsonValue vb)
        {
            if (va.TryGetValue<string>(out var sa))
                return vb.TryGetValue<string>(out var sb) && sa == sb;
            if (va.GetValueKind() == JsonValueKind.Number && vb.GetValueKind() == JsonValueKind.Number)
                return double.Parse(va.ToJsonString(), CultureInfo.InvariantCulture) == double.Parse(vb.ToJsonString(), CultureInfo.InvariantCulture);
        }
        return JsonNode.DeepEquals(a, b);
    }

    static string? AsString(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    static string GoType(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject => "map[string]interface {}",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => "int64",
        _ => "bool",
    };
}
