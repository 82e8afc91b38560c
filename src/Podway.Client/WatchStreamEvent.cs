using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Api.Errors;

namespace Podway.Client;

public enum WatchStreamEventType { Added, Modified, Deleted, Bookmark, Error }

/// <summary>One line of a watch stream: {"type":..,"object":..}. For Error, Object is a v1 Status.</summary>
public sealed record WatchStreamEvent(WatchStreamEventType Type, JsonObject Object)
{
    public string? ResourceVersion => Object["metadata"]?["resourceVersion"]?.GetValue<string>();

    /// <summary>The Status of an ERROR event as the exception a failed request would have thrown.</summary>
    public ApiException ToApiException() => StatusParser.ToException(Object, 500);

    /// <summary>Parses one line of a watch stream; throws FormatException on anything that is not a watch event.</summary>
    internal static WatchStreamEvent Parse(string line)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(line); }
        catch (JsonException e) { throw new FormatException($"watch stream line is not JSON: {e.Message}", e); }
        if (node is not JsonObject o || o["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String)
            throw new FormatException("watch stream line has no \"type\"");
        if (o["object"] is not JsonObject obj)
            throw new FormatException("watch stream line has no \"object\"");
        var type = t.GetValue<string>() switch
        {
            "ADDED" => WatchStreamEventType.Added,
            "MODIFIED" => WatchStreamEventType.Modified,
            "DELETED" => WatchStreamEventType.Deleted,
            "BOOKMARK" => WatchStreamEventType.Bookmark,
            "ERROR" => WatchStreamEventType.Error,
            var other => throw new FormatException($"unknown watch event type \"{other}\""),
        };
        o.Remove("object");
        return new WatchStreamEvent(type, obj);
    }
}
