using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Storage.Writes;

/// <summary>Writes the store-assigned revision into metadata.resourceVersion and serializes compact UTF-8.</summary>
internal static class ResourceVersionStamp
{
    // Relaxed escaping keeps non-ASCII text as UTF-8 instead of \uXXXX; the bytes are JSON for an API, not HTML.
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>Stamps <paramref name="obj"/> in place (the caller hands over a private copy) and returns its bytes.</summary>
    public static byte[] Apply(JsonObject obj, long revision)
    {
        var metadata = obj["metadata"];
        if (metadata is null)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }
        if (metadata is not JsonObject meta) throw new ArgumentException("metadata must be a JSON object", nameof(obj));
        meta["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Compact)) obj.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }
}
