using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Api.Errors;

namespace Podway.Client;

/// <summary>Turns a v1 Status (an error response body or a watch ERROR object) into an ApiException.</summary>
internal static class StatusParser
{
    public static ApiException ToException(JsonObject? status, int httpCode)
    {
        var code = status?["code"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : httpCode;
        var reason = Str(status?["reason"]) ?? ReasonFor(code);
        var message = Str(status?["message"]) ?? $"the server responded with the status code {code} but did not return more information";
        return new ApiException(code, reason, message, status?["details"] as JsonObject is { } d ? (JsonObject)d.DeepClone() : null);
    }

    public static ApiException FromBody(int httpCode, string body)
    {
        JsonObject? status = null;
        try { status = JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { }
        if (status is not null && Str(status["kind"]) == "Status")
            return ToException(status, httpCode);
        // Not a Status: client-go words this "the server ... (get pods)"; we keep the body, it is what helps.
        var text = body.Length == 0 ? $"the server responded with the status code {httpCode} but did not return more information" : body.Trim();
        return new ApiException(httpCode, ReasonFor(httpCode), text);
    }

    static string? Str(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The reason client-go assumes for a code when the body has none (k8s.io/apimachinery errors.go).</summary>
    static string ReasonFor(int code) => (HttpStatusCode)code switch
    {
        HttpStatusCode.BadRequest => "BadRequest",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "NotFound",
        HttpStatusCode.MethodNotAllowed => "MethodNotAllowed",
        HttpStatusCode.NotAcceptable => "NotAcceptable",
        HttpStatusCode.Conflict => "Conflict",
        HttpStatusCode.Gone => "Expired",
        HttpStatusCode.UnsupportedMediaType => "UnsupportedMediaType",
        HttpStatusCode.UnprocessableEntity => "Invalid",
        HttpStatusCode.TooManyRequests => "TooManyRequests",
        HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
        HttpStatusCode.GatewayTimeout => "Timeout",
        _ => code >= 500 ? "InternalError" : "Unknown",
    };
}
