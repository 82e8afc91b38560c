using System.Text.Json.Nodes;

namespace Podway.Api.OpenApi;

/// <summary>
/// /openapi/v2 as an empty document. kubectl 1.27 and 1.28 `apply` fetch it (protobuf) before anything else and
/// abort on a 404, but then check fieldValidation support in the v3 documents; with no v2 schemas their patcher
/// falls back to compiled-in types for strategic merge. Observed with the real binaries against a stand-in server.
/// </summary>
public static class OpenApiV2
{
    /// <summary>The Content-Type kube-apiserver answers the protobuf form with.</summary>
    public const string ProtobufContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    /// <summary>An empty gnostic openapi_v2.Document: every protobuf field is optional, so zero bytes decode to it.</summary>
    public static ReadOnlyMemory<byte> EmptyProtobuf => ReadOnlyMemory<byte>.Empty;

    /// <summary>The JSON form, for clients that ask for application/json.</summary>
    public static JsonObject EmptyJson() => new()
    {
        ["swagger"] = "2.0",
        ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = OpenApiV3.ServerVersion },
        ["paths"] = new JsonObject(),
        ["definitions"] = new JsonObject(),
    };
}
