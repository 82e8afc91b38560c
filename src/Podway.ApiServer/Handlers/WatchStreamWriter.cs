using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Printing;
using Podway.Api.Resources;

namespace Podway.ApiServer.Handlers;

/// <summary>Writes watch events, one JSON object per line, flushed per event; in Table mode each object is a one-row Table.</summary>
internal sealed class WatchStreamWriter(HttpContext ctx, ResourceType type, bool asTable, TimeProvider clock)
{
    bool _headersSent;

    public async Task WriteAsync(string eventType, byte[] objectJson, CancellationToken ct)
    {
        var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("type", eventType);
        w.WritePropertyName("object");
        if (asTable)
        {
            var obj = JsonNodes.ParseObject(objectJson);
            // Only the first event carries column definitions, as kube-apiserver does for watches.
            var table = TableBuilder.Build(type, [obj], clock.GetUtcNow(), includeHeaders: !_headersSent, includeFullObject: false,
                obj.Obj("metadata").Str("resourceVersion") ?? "", null);
            _headersSent = true;
            table.WriteTo(w);
        }
        else
        {
            w.WriteRawValue(objectJson, skipInputValidation: true);
        }
        w.WriteEndObject();
        await w.FlushAsync(ct);
        await WriteNewlineAndFlushAsync(ct);
    }

    public Task WriteBookmarkAsync(long revision, CancellationToken ct)
    {
        var bookmark = new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString() },
        };
        return WriteRawEventAsync("BOOKMARK", bookmark.ToUtf8(), ct);
    }

    async Task WriteRawEventAsync(string eventType, byte[] objectJson, CancellationToken ct)
    {
        var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("type", eventType);
        w.WritePropertyName("object");
        w.WriteRawValue(objectJson, skipInputValidation: true);
        w.WriteEndObject();
        await w.FlushAsync(ct);
        await WriteNewlineAndFlushAsync(ct);
    }

    public Task WriteErrorAsync(ApiException error, CancellationToken ct) =>
        WriteRawEventAsync("ERROR", error.ToStatus().ToUtf8(), ct);

    async Task WriteNewlineAndFlushAsync(CancellationToken ct)
    {
        ctx.Response.BodyWriter.Write("\n"u8);
        await ctx.Response.BodyWriter.FlushAsync(ct);
    }
}
