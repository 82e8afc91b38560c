using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Api.Errors;

namespace Podway.ApiServer.Http;

/// <summary>Turns a request body (JSON, or YAML for apply-patch+yaml and application/yaml) into a JsonNode.</summary>
public static class BodyParser
{
    static readonly JsonDocumentOptions Within = new() { MaxDepth = BodyLimits.MaxNestingDepth };

    public static JsonNode Parse(byte[] body, string? contentType)
    {
        if (body.Length > BodyLimits.MaxBodyBytes) throw BodyLimits.TooLarge();
        if (Podway.Api.Protobuf.KubeProtobuf.IsProtobuf(contentType)) return Podway.Api.Protobuf.KubeProtobuf.Decode(body);
        if (contentType != null && (contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase) || contentType.Contains("cbor", StringComparison.OrdinalIgnoreCase)))
            throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
        if (body.Length == 0) throw ApiException.BadRequest("the request body is empty");
        try
        {
            if (TooDeep(body)) throw ApiException.BadRequest($"couldn't get version/kind; json parse error: exceeded max depth of {BodyLimits.MaxNestingDepth}");
            return JsonNode.Parse(body, documentOptions: Within) ?? throw ApiException.BadRequest("the request body is null");
        }
        catch (JsonException jsonError)
        {
            if (contentType != null && contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase))
                return YamlToJson.Convert(body);
            throw ApiException.BadRequest($"couldn't get version/kind; json parse error: {jsonError.Message}");
        }
    }

    public static JsonObject ParseObject(byte[] body, string? contentType) =>
        Parse(body, contentType) as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");

    /// <summary>
    /// Whether well-formed JSON nests deeper than the limit, read token by token (no recursion) and stopping at the
    /// first level too deep. Malformed JSON throws JsonException, which sends YAML bodies on to the YAML reader.
    /// </summary>
    static bool TooDeep(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = BodyLimits.MaxNestingDepth + 1 });
        while (reader.Read())
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= BodyLimits.MaxNestingDepth)
                return true;
        return false;
    }
}
