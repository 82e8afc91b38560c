using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;

namespace Podway.ApiServer.Http;

/// <summary>Writes API responses: objects, raw stored bytes and Status errors.</summary>
public static class Responses
{
    public const string Json = "application/json";

    public static async Task WriteJsonAsync(HttpContext ctx, int statusCode, JsonNode body, string contentType = Json)
    {
        ctx.Response.StatusCode = statusCode;
        ctx.Response.ContentType = contentType;
        await using var writer = new Utf8JsonWriter(ctx.Response.BodyWriter, PrettyPrint.WriterOptions(ctx.Request));
        body.WriteTo(writer);
        await writer.FlushAsync(ctx.RequestAborted);
    }

    public static async Task WriteRawAsync(HttpContext ctx, int statusCode, ReadOnlyMemory<byte> json)
    {
        if (PrettyPrint.Wanted(ctx.Request))
        {
            using var document = JsonDocument.Parse(json);
            ctx.Response.StatusCode = statusCode;
            ctx.Response.ContentType = Json;
            await using var indented = new Utf8JsonWriter(ctx.Response.BodyWriter, PrettyPrint.WriterOptions(ctx.Request));
            document.WriteTo(indented);
            await indented.FlushAsync(ctx.RequestAborted);
            return;
        }
        ctx.Response.StatusCode = statusCode;
        ctx.Response.ContentType = Json;
        ctx.Response.ContentLength = json.Length;
        await ctx.Response.Body.WriteAsync(json, ctx.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext ctx, ApiException error) =>
        WriteJsonAsync(ctx, error.Code, error.ToStatus());

    /// <summary>The Status kube answers a successful DELETE with.</summary>
    public static JsonObject DeleteSuccess(string group, string plural, string name, string? uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = plural, ["uid"] = uid },
    };
}
