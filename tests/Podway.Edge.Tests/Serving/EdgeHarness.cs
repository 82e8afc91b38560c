using System.Net;
using System.Net.Sockets;
using System.Text;
using Podway.Edge.Serving;

namespace Podway.Edge.Tests.Serving;

/// <summary>An <see cref="EdgeServer"/> on 127.0.0.1 random ports over a <see cref="TableRoutes"/>, with its access
/// log captured, and clients that talk to it.</summary>
internal sealed class EdgeHarness : IAsyncDisposable
{
    public TableRoutes Routes { get; }
    public EdgeServer Server { get; }
    public CapturedStream Log { get; } = new();
    IEdgeRoutesHolder _current;

    EdgeHarness(TableRoutes routes, EdgeServerOptions? options)
    {
        Routes = routes;
        _current = new(routes);
        Server = new EdgeServer(() => _current.Routes, (options ?? new EdgeServerOptions()) with
        {
            Http = new IPEndPoint(IPAddress.Loopback, 0),
            Https = new IPEndPoint(IPAddress.Loopback, 0),
            AccessLog = Log,
        });
    }

    public static async Task<EdgeHarness> StartAsync(EdgeServerOptions? options = null)
    {
        var harness = new EdgeHarness(new TableRoutes(TestCertificates.For("default.test")), options);
        await harness.Server.StartAsync();
        return harness;
    }

    /// <summary>Swaps the snapshot the server sees, as the edge controller does.</summary>
    public void Swap(Podway.Edge.Routing.IEdgeRoutes routes) => _current = new(routes);

    public string Http(string host, string pathAndQuery = "/") => $"http://127.0.0.1:{Server.HttpPort}{pathAndQuery}";

    /// <summary>An HTTP/1.1 client to the cleartext port that sends <paramref name="host"/> as Host.</summary>
    public static HttpRequestMessage Get(EdgeHarness edge, string host, string pathAndQuery = "/", Version? version = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, edge.Http(host, pathAndQuery))
        {
            Version = version ?? HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = host;
        return request;
    }

    public static HttpClient Client(Version? version = null) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        {
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

    /// <summary>A TCP port nothing listens on (connects are refused).</summary>
    public static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    sealed record IEdgeRoutesHolder(Podway.Edge.Routing.IEdgeRoutes Routes);
}

/// <summary>A write-only stream that keeps what was written (the access log), safe across threads.</summary>
internal sealed class CapturedStream : Stream
{
    readonly MemoryStream _inner = new();

    public string Text { get { lock (_inner) return Encoding.UTF8.GetString(_inner.ToArray()); } }

    public async Task<string> LineContainingAsync(string text)
    {
        for (var i = 0; i < 100; i++)
        {
            var line = Text.Split('\n').FirstOrDefault(l => l.Contains(text));
            if (line is not null) return line;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no access log line contains '{text}'; log:\n{Text}");
    }

    public override void Write(byte[] buffer, int offset, int count) { lock (_inner) _inner.Write(buffer, offset, count); }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
