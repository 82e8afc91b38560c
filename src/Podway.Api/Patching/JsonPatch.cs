using System.Globalization;
using System.Text.Json.Nodes;
using Podway.Api.Errors;

namespace Podway.Api.Patching;

/// <summary>
/// JSON patch (RFC 6902, application/json-patch+json) with the semantics of evanphx/json-patch v4, which
/// kube-apiserver uses. A patch that does not decode is 400; more than 10000 operations is 413; an operation
/// that fails to apply (a failed test, a missing path) is kube's generic 422 "the server rejected our request
/// due to an error in our request", the library's own message not being passed on.
/// </summary>
public static class JsonPatch
{
    const int MaxOperations = 10000;

    /// <summary>
    /// Applies the operations in <paramref name="patch"/> to <paramref name="document"/>. The document is changed
    /// in place (callers discard it when this throws) and values are moved out of the patch, not cloned.
    /// </summary>
    public static JsonObject Apply(JsonObject document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
            throw ApiException.BadRequest($"json: cannot unmarshal {GoKind(patch)} into Go value of type jsonpatch.Patch");
        foreach (var op in operations)
            if (op is not JsonObject)
                throw ApiException.BadRequest($"json: cannot unmarshal {GoKind(op)} into Go value of type jsonpatch.Operation");
        if (operations.Count > MaxOperations)
            throw new ApiException(413, "RequestEntityTooLarge",
                $"Request entity too large: The allowed maximum operations in a JSON patch is {MaxOperations}, got {operations.Count}");

        JsonNode root = document;
        foreach (var op in operations)
        {
            var operation = (JsonObject)op!;
            if (!Execute(ref root, operation))
                throw Rejected();
        }
        return root as JsonObject ?? throw Rejected();
    }

    static ApiException Rejected() => new(422, "Invalid", "the server rejected our request due to an error in our request");

    static bool Execute(ref JsonNode root, JsonObject operation)
    {
        var kind = Text(operation, "op");
        var path = Text(operation, "path");
        if (path is null)
            return false;
        switch (kind)
        {
            case "add":
                return operation.TryGetPropertyValue("value", out _) && Add(ref root, path, Take(operation, "value"));
            case "remove":
                return Remove(root, path, out _);
            case "replace":
                return operation.TryGetPropertyValue("value", out _) && Replace(ref root, path, Take(operation, "value"));
            case "move":
            {
                var from = Text(operation, "from");
                return from is not null && Remove(root, from, out var moved) && Add(ref root, path, moved);
            }
            case "copy":
            {
                var from = Text(operation, "from");
                return from is not null && Get(root, from, out var source) && Add(ref root, path, source?.DeepClone());
            }
            case "test":
            {
                var expected = operation["value"];
                if (!Get(root, path, out var actual))
                    return expected is null;
                return StrategicMergePatch.Same(actual, expected);
            }
            default:
                return false;
        }
    }

    static string? Text(JsonObject operation, string name) =>
        operation[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    static JsonNode? Take(JsonObject operation, string name)
    {
        var value = operation[name];
        operation.Remove(name);
        return value;
    }

    /// <summary>Finds the container of the last token; false when the path does not lead anywhere.</summary>
    static bool Parent(JsonNode root, string path, out JsonNode? parent, out string last)
    {
        parent = null;
        last = "";
        var tokens = JsonPointer.Parse(path);
        if (tokens is null || tokens.Length == 0)
            return false;
        JsonNode? node = root;
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(tokens[i], out var child) => child,
                JsonArray a when ArrayIndex(tokens[i], a.Count, false) is { } index => a[index],
                _ => null,
            };
            if (node is null)
                return false;
        }
        parent = node;
        last = tokens[^1];
        return true;
    }

    /// <summary>An index into an array of <paramref name="count"/>; v4 accepts negative indices from the end.</summary>
    static int? ArrayIndex(string token, int count, bool forInsert)
    {
        if (token.Length == 0 || !int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
            return null;
        if (index < -count)
            return null;
        if (index < 0)
            index += count;
        return index < count || (forInsert && index == count) ? index : null;
    }

    static bool Add(ref JsonNode root, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            if (value is null) return false;
            root = value;
            return true;
        }
        if (!Parent(root, path, out var parent, out var last))
            return false;
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                return true;
            case JsonArray a:
                if (last == "-") { a.Add(value); return true; }
                if (ArrayIndex(last, a.Count, true) is not { } index) return false;
                a.Insert(index, value);
                return true;
            default:
                return false;
        }
    }

    static bool Remove(JsonNode root, string path, out JsonNode? removed)
    {
        removed = null;
        if (!Parent(root, path, out var parent, out var last))
            return false;
        switch (parent)
        {
            case JsonObject o:
                if (!o.TryGetPropertyValue(last, out removed)) return false;
                o.Remove(last);
                return true;
            case JsonArray a:
                if (ArrayIndex(last, a.Count, false) is not { } index) return false;
                removed = a[index];
                a.RemoveAt(index);
                return true;
            default:
                return false;
        }
    }

    static bool Replace(ref JsonNode root, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            if (value is null) return false;
            root = value;
            return true;
        }
        if (!Parent(root, path, out var parent, out var last))
            return false;
        switch (parent)
        {
            case JsonObject o:
                if (!o.ContainsKey(last)) return false;
                o[last] = value;
                return true;
            case JsonArray a:
                if (ArrayIndex(last, a.Count, false) is not { } index) return false;
                a[index] = value;
                return true;
            default:
                return false;
        }
    }

    static bool Get(JsonNode root, string path, out JsonNode? value)
    {
        value = null;
        if (path.Length == 0)
        {
            value = root;
            return true;
        }
        if (!Parent(root, path, out var parent, out var last))
            return false;
        switch (parent)
        {
            case JsonObject o:
                return o.TryGetPropertyValue(last, out value);
            case JsonArray a:
                if (ArrayIndex(last, a.Count, false) is not { } index) return false;
                value = a[index];
                return true;
            default:
                return false;
        }
    }

    static string GoKind(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => "number",
        null => "null",
        _ => "bool",
    };
}
