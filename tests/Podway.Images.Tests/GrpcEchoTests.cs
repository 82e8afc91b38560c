using System.Net;
using System.Text;

namespace Podway.Images.Tests;

/// <summary>echo-basic's gRPC mode (GRPC_ECHO_SERVER): GrpcEcho over HTTP/2 cleartext on HTTP_PORT, answering Echo and
/// EchoTwo with the assertions upstream's conformance client reads, and EchoThree with UNIMPLEMENTED.</summary>
public class GrpcEchoTests
{
    const string Service = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";

    static readonly HttpClient Http2 = new(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };

    static async Task<HttpResponseMessage> CallAsync(int port, string method)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/{Service}/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact, // prior knowledge, as gRPC clients over cleartext
            Content = new ByteArrayContent([0, 0, 0, 0, 0]), // one empty EchoRequest
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation("version", "two");
        var response = await Http2.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task Echo_AnswersTheAssertionsAndEchoThreeIsUnimplemented()
    {
        var port = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("echo-basic", [], new Dictionary<string, string>
        {
            ["GRPC_ECHO_SERVER"] = "1", ["HTTP_PORT"] = $"{port}", ["POD_NAME"] = "grpc-infra-backend-v1-abc", ["NAMESPACE"] = "gateway-conformance-infra",
        });
        await p.WaitForTcpAsync(port);

        using var echo = await CallAsync(port, "EchoTwo");
        Assert.Equal("application/grpc", echo.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0", string.Join(",", echo.TrailingHeaders.GetValues("grpc-status")));
        var framed = await echo.Content.ReadAsByteArrayAsync();
        Assert.Equal(0, framed[0]); // not compressed
        Assert.Equal(framed.Length - 5, (framed[1] << 24) | (framed[2] << 16) | (framed[3] << 8) | framed[4]);
        // EchoResponse { assertions (1) { fully_qualified_method (1), headers (2), authority (3), context (4) { namespace (1), pod (4) } } }
        var assertions = Field(framed[5..], 1).Single();
        Assert.Equal($"/{Service}/EchoTwo", Encoding.UTF8.GetString(Field(assertions, 1).Single()));
        var headers = Field(assertions, 2).Select(h => $"{Encoding.UTF8.GetString(Field(h, 1).Single())}={Encoding.UTF8.GetString(Field(h, 2).Single())}").ToList();
        Assert.Contains("version=two", headers);
        Assert.Contains($":authority=127.0.0.1:{port}", headers);
        Assert.DoesNotContain(headers, h => h.StartsWith("content-type=") || h.StartsWith("te="));
        Assert.Equal($"127.0.0.1:{port}", Encoding.UTF8.GetString(Field(assertions, 3).Single()));
        var context = Field(assertions, 4).Single();
        Assert.Equal("gateway-conformance-infra", Encoding.UTF8.GetString(Field(context, 1).Single()));
        Assert.Equal("grpc-infra-backend-v1-abc", Encoding.UTF8.GetString(Field(context, 4).Single()));

        using var three = await CallAsync(port, "EchoThree");
        Assert.Equal("12", string.Join(",", three.Headers.GetValues("grpc-status")));
        Assert.Equal("method EchoThree not implemented", Uri.UnescapeDataString(string.Join(",", three.Headers.GetValues("grpc-message"))));
        p.Signal(ImageProcess.SIGTERM);
        Assert.Equal(0, await p.ExitCodeAsync());
    }

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of a protobuf message (the only wire type
    /// an EchoResponse has).</summary>
    static List<byte[]> Field(byte[] message, int number)
    {
        var result = new List<byte[]>();
        var i = 0;
        int Varint()
        {
            var value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[i++];
                value |= (b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
        }
        while (i < message.Length)
        {
            var key = Varint();
            Assert.Equal(2, key & 7);
            var length = Varint();
            if (key >> 3 == number) result.Add(message[i..(i + length)]);
            i += length;
        }
        return result;
    }
}
