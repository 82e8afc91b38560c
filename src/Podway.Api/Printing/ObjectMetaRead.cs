using System.Text.Json.Nodes;

namespace Podway.Api.Printing;

/// <summary>The metadata reads every printer needs.</summary>
internal static class ObjectMetaRead
{
    public static string Name(JsonObject obj) => JsonRead.Str(obj, "metadata", "name");

    public static string Age(JsonObject obj, DateTimeOffset now) =>
        HumanDuration.Since(JsonRead.Time(obj, "metadata", "creationTimestamp"), now);

    /// <summary>printers.go layoutContainerCells: comma-joined container names and images.</summary>
    public static (string Names, string Images) ContainerCells(JsonNode? podSpec)
    {
        var containers = JsonRead.Objects(podSpec, "containers").ToList();
        return (string.Join(",", containers.Select(c => JsonRead.Str(c, "name"))),
                string.Join(",", containers.Select(c => JsonRead.Str(c, "image"))));
    }
}
