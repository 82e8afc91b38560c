using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Edge.Tests.Serving;

/// <summary>
/// Chunked request bodies with broken framing, sent over a raw socket: the edge answers 400 (as nginx does), logs
/// 400, never passes a 200 off as the upstream's answer, and keeps serving. The upstream reads the whole body
/// before answering, so it is the edge's reading of the body that must catch the error.
/// </summary>
public class MalformedRequestBodyTests
{
    public sealed record BrokenBody(string Name, string Chunks);

    public static readonly BrokenBody[] Corpus =
    [
        new("a size that is not hex", "zz\r\nhello\r\n0\r\n\r\n"),
        new("a size that overflows 64 bits", "fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
        new("a negative size", "-5\r\nhello\r\n0\r\n\r\n"),
        new("data without its CRLF", "5\r\nhelloXX0\r\n\r\n"),
        new("data followed by a bare LF", "5\r\nhello\n0\r\n\r\n"),
        new("data longer than its size", "3\r\nhello\r\n0\r\n\r\n"),
        new("a good chunk, then a bad size", "5\r\nhello\r\nxyz\r\nabc\r\n0\r\n\r\n"),
        new("a size line without CRLF", "5 hello\r\n0\r\n\r\n"),
    ];

    public static IEnumerable<object[]> Rows() =>
        from body in Corpus from h2c in new[] { false, true } select new object[] { body.Name, h2c };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Post_MalformedChunkedBody_400AndServerKeepsServing(string name, bool h2cUpstream)
    {
        var broken = Corpus.Single(b => b.Name == name);
        await using var backend = await Backend.StartAsync("web-1", http2Only: h2cUpstream);
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port], h2cUpstream ? "kubernetes.io/h2c" : null);

        string answer;
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, edge.Server.HttpPort);
            var request = "POST /sha256 HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n" + broken.Chunks;
            await socket.SendAsync(Encoding.ASCII.GetBytes(request));
            answer = await ReadUntilClosedAsync(socket);
        }
        using var client = EdgeHarness.Client();
        using var after = await client.SendAsync(EdgeHarness.Get(edge, "shop.test"));

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("\"POST /sha256 HTTP/1.1\" 400 ", await edge.Log.LineContainingAsync("/sha256"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Post_WellFormedChunkedBody_Forwarded()
    {
        await using var backend = await Backend.StartAsync("web-1");
        await using var edge = await EdgeHarness.StartAsync();
        edge.Routes.Hosts["shop.test"] = TableRoutes.Forward("web", [backend.Port]);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, edge.Server.HttpPort);
        await socket.SendAsync("POST /sha256 HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n"u8.ToArray());
        var answer = await ReadUntilClosedAsync(socket);
        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("hello"u8)), answer);
    }

    /// <summary>The whole answer; the edge closes a connection whose request body it could not read.</summary>
    static async Task<string> ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        return text.ToString();
    }
}
