using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;

namespace Podway.E2E.Gateway;

/// <summary>
/// A gRPC client of echo-basic's GrpcEcho service (conformance/echo-basic/grpcecho.proto) through a Gateway: real
/// HTTP/2 (Grpc.Net.Client over h2c, or h2 by ALPN) to the Gateway's address, with the authority the case names
/// (the channel's address is that host; the connection goes to the Gateway), as upstream's grpc.DefaultClient with
/// WithAuthority. The two messages are decoded by hand: EchoRequest is empty, and of EchoResponse only the assertions
/// (method, headers, authority, context) matter.
/// </summary>
internal sealed class GrpcEchoClient : IDisposable
{
    public const string Service = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";

    readonly GrpcChannel _channel;
    readonly CallInvoker _invoker;

    public GrpcEchoClient(string gatewayAddress, string? authority = null, int port = 80, bool tls = false)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Parse(gatewayAddress), port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            // The Gateway's certificate is the test's own self-signed one.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        var host = authority ?? gatewayAddress;
        var defaultPort = tls ? 443 : 80;
        _channel = GrpcChannel.ForAddress($"{(tls ? "https" : "http")}://{host}{(port == defaultPort ? "" : $":{port}")}",
            new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        _invoker = _channel.CreateCallInvoker();
    }

    static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>Calls GrpcEcho/<paramref name="method"/> with an empty EchoRequest and the given metadata.</summary>
    public async Task<EchoAssertions> CallAsync(string method, IReadOnlyDictionary<string, string>? metadata = null, TimeSpan? timeout = null)
    {
        var call = new Method<byte[], byte[]>(MethodType.Unary, Service, method, Bytes, Bytes);
        var headers = new Metadata();
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>()) headers.Add(name.ToLowerInvariant(), value);
        using var response = _invoker.AsyncUnaryCall(call, null, new CallOptions(headers, DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10))), []);
        var message = await response.ResponseAsync;
        var responseHeaders = await response.ResponseHeadersAsync;
        return EchoAssertions.Parse(message) with
        {
            ResponseHeaders = [.. responseHeaders.Where(h => !h.IsBinary).Select(h => KeyValuePair.Create(h.Key, h.Value))],
        };
    }

    public void Dispose() => _channel.Dispose();
}

/// <summary>EchoResponse.assertions: fully_qualified_method (1), headers (2: key 1, value 2), authority (3), context (4:
/// namespace 1, ingress 2, service_name 3, pod 4).</summary>
internal sealed record EchoAssertions(string FullyQualifiedMethod, IReadOnlyList<KeyValuePair<string, string>> Headers, string Authority,
    string Namespace, string Pod)
{
    /// <summary>The call's response headers (metadata), filled in by the client.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; } = [];

    public static EchoAssertions Parse(byte[] echoResponse)
    {
        var assertions = Fields(echoResponse).FirstOrDefault(f => f.Number == 1).Bytes ?? [];
        string method = "", authority = "", ns = "", pod = "";
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (number, bytes) in Fields(assertions))
            switch (number)
            {
                case 1: method = Encoding.UTF8.GetString(bytes); break;
                case 2:
                    var h = Fields(bytes).ToList();
                    headers.Add(new(Text(h, 1), Text(h, 2)));
                    break;
                case 3: authority = Encoding.UTF8.GetString(bytes); break;
                case 4:
                    var c = Fields(bytes).ToList();
                    (ns, pod) = (Text(c, 1), Text(c, 4));
                    break;
            }
        return new EchoAssertions(method, headers, authority, ns, pod);
    }

    static string Text(List<(int Number, byte[] Bytes)> fields, int number) =>
        fields.FirstOrDefault(f => f.Number == number).Bytes is { } b ? Encoding.UTF8.GetString(b) : "";

    /// <summary>The length-delimited fields of a protobuf message (other wire types are skipped).</summary>
    static IEnumerable<(int Number, byte[] Bytes)> Fields(byte[] message)
    {
        var i = 0;
        ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[i++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
        }
        while (i < message.Length)
        {
            var key = Varint();
            switch (key & 7)
            {
                case 0: Varint(); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint();
                    yield return ((int)(key >> 3), message[i..(i + length)]);
                    i += length;
                    break;
                default: throw new FormatException($"protobuf wire type {key & 7} at {i}");
            }
        }
    }
}
