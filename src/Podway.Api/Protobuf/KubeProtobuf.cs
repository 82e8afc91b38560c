using System.Text.Json.Nodes;

namespace Podway.Api.Protobuf;

/// <summary>
/// Decodes application/vnd.kubernetes.protobuf request bodies (k8s.io/apimachinery runtime/serializer/protobuf)
/// into the JSON object kube-apiserver would have decoded.
/// </summary>
public static class KubeProtobuf
{
    static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    public static bool IsProtobuf(string? contentType) =>
        contentType != null && contentType.Split(';')[0].Trim().Equals("application/vnd.kubernetes.protobuf", StringComparison.OrdinalIgnoreCase);

    /// <summary>Decodes the envelope (magic + runtime.Unknown) and its object; throws ApiException 400 on malformed input.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
            throw WireReader.Malformed("the body does not start with the k8s protobuf magic bytes");
        string apiVersion = "", kind = "", contentEncoding = "";
        ReadOnlySpan<byte> raw = [];
        var reader = new WireReader(body[Magic.Length..]);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            if (wireType != 2 || field > 4)
            {
                reader.Skip(wireType);
                continue;
            }
            var value = reader.ReadLengthDelimited();
            switch (field)
            {
                case 1: (apiVersion, kind) = ReadTypeMeta(value); break;
                case 2: raw = value; break;
                case 3: contentEncoding = WellKnownTypes.DecodeUtf8(value); break;
            }
        }
        if (contentEncoding.Length > 0) throw WireReader.Malformed($"unsupported content encoding \"{contentEncoding}\"");
        if (kind.Length == 0) throw WireReader.Malformed("Object 'Kind' is missing");
        var message = SchemaRegistry.ForKind(apiVersion, kind)
            ?? throw Podway.Api.Errors.ApiException.BadRequest($"no kind \"{kind}\" is registered for version \"{apiVersion}\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"");
        var decoded = MessageDecoder.Decode(message, raw);
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        foreach (var (name, value) in decoded.ToList())
        {
            decoded.Remove(name);
            result[name] = value;
        }
        return result;
    }

    static (string ApiVersion, string Kind) ReadTypeMeta(ReadOnlySpan<byte> data)
    {
        string apiVersion = "", kind = "";
        var reader = new WireReader(data);
        while (!reader.AtEnd)
        {
            var (field, wireType) = reader.ReadTag();
            if (wireType != 2 || field > 2)
            {
                reader.Skip(wireType);
                continue;
            }
            var text = WellKnownTypes.DecodeUtf8(reader.ReadLengthDelimited());
            if (field == 1) apiVersion = text;
            else kind = text;
        }
        return (apiVersion, kind);
    }
}
