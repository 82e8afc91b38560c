using System.Text;

namespace Podway.Images.Echo;

/// <summary>
/// echo-basic's gRPC messages (conformance/echo-basic/grpcecho.proto, package
/// gateway_api_conformance.echo_basic.grpcecho) written by hand: the server only ever writes an EchoResponse and
/// ignores its EchoRequest (an empty message), so a protobuf writer of length-delimited string and message fields
/// is all it needs, without a code generator or a runtime dependency in the image.
/// </summary>
internal static class GrpcEchoMessages
{
    public const string Service = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";

    /// <summary>EchoResponse { Assertions assertions = 1 { string fully_qualified_method = 1; repeated Header headers = 2
    /// { key = 1; value = 2 }; string authority = 3; Context context = 4 { namespace = 1; ingress = 2;
    /// service_name = 3; pod = 4 } } }.</summary>
    public static byte[] EchoResponse(string fullMethod, IEnumerable<KeyValuePair<string, string>> headers, string authority,
        (string Namespace, string Ingress, string Service, string Pod) context)
    {
        var assertions = new ProtoWriter();
        assertions.String(1, fullMethod);
        foreach (var (key, value) in headers)
        {
            var header = new ProtoWriter();
            header.String(1, key);
            header.String(2, value);
            assertions.Message(2, header);
        }
        assertions.String(3, authority);
        var ctx = new ProtoWriter();
        ctx.String(1, context.Namespace);
        ctx.String(2, context.Ingress);
        ctx.String(3, context.Service);
        ctx.String(4, context.Pod);
        assertions.Message(4, ctx);
        var response = new ProtoWriter();
        response.Message(1, assertions);
        return response.ToArray();
    }

    /// <summary>A gRPC length-prefixed message: a zero compression flag, the length (big-endian), the bytes.</summary>
    public static byte[] Frame(byte[] message)
    {
        var framed = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }
}

/// <summary>The protobuf wire format for strings and nested messages (wire type 2); proto3 leaves empty strings out.</summary>
internal sealed class ProtoWriter
{
    readonly MemoryStream _buffer = new();

    public void String(int field, string value)
    {
        if (value.Length > 0) Bytes(field, Encoding.UTF8.GetBytes(value));
    }

    public void Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    void Bytes(int field, byte[] bytes)
    {
        Varint((ulong)(field << 3 | 2));
        Varint((ulong)bytes.Length);
        _buffer.Write(bytes);
    }

    void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }

    public byte[] ToArray() => _buffer.ToArray();
}
