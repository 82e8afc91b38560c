using System.Text.Json.Nodes;
using Podway.Api.Validation;

namespace Podway.Api.Errors;

/// <summary>
/// An error the API answers with a v1 Status. kubectl prints "Error from server (Reason): Message",
/// so reasons and messages follow kube-apiserver word for word.
/// </summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
        };
        // kube omits an empty reason and absent details (e.g. the 500s of malformed strategic merge patches)
        if (Reason.Length > 0) status["reason"] = Reason;
        if (Details != null) status["details"] = Details.DeepClone();
        // A 404 always has details, as kube's NewNotFound gives (clients such as kubectl debug read details.name).
        else if (Code == 404) status["details"] = new JsonObject();
        status["code"] = Code;
        return status;
    }

    static JsonObject NameDetails(string group, string kind, string name) => new() { ["name"] = name, ["group"] = group, ["kind"] = kind };

    /// <summary>404: services "nope" not found / deployments.apps "nope" not found.</summary>
    public static ApiException NotFound(string group, string plural, string name) =>
        new(404, "NotFound", $"{Qualified(group, plural)} \"{name}\" not found", NameDetails(group, plural, name));

    public static ApiException AlreadyExists(string group, string plural, string name) =>
        new(409, "AlreadyExists", $"{Qualified(group, plural)} \"{name}\" already exists", NameDetails(group, plural, name));

    public static ApiException Conflict(string group, string plural, string name, string why = "the object has been modified; please apply your changes to the latest version and try again") =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, plural)} \"{name}\": {why}", NameDetails(group, plural, name));

    /// <summary>422: The Deployment "web" is invalid: spec.x: Invalid value: ...</summary>
    public static ApiException Invalid(string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
            causes.Add((JsonNode)new JsonObject { ["reason"] = e.Reason, ["message"] = e.Message, ["field"] = e.Field });
        var details = NameDetails(group, kind, name);
        details["causes"] = causes;
        var summary = errors.Count == 1 ? errors[0].Text : "[" + string.Join(", ", errors.Select(e => e.Text)) + "]";
        var qualifiedKind = group.Length == 0 ? kind : $"{kind}.{group}";
        return new(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {summary}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);
    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);
    public static ApiException Gone(string message) => new(410, "Expired", message);
    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");
    public static ApiException Forbidden(string message) => new(403, "Forbidden", message);
    public static ApiException UnsupportedMediaType(string contentType) => new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {contentType})");
    public static ApiException Internal(string message) => new(500, "InternalError", $"Internal error occurred: {message}");

    static string Qualified(string group, string plural) => group.Length == 0 ? plural : $"{plural}.{group}";
}
