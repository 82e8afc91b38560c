using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Storage;

namespace Podway.ApiServer.Tests;

/// <summary>A real API server on a real SQLite store in a temp dir, on a free loopback port, with an HTTPS client holding its token.</summary>
public sealed class TestApiServer : IAsyncDisposable
{
    public const string Token = "test-token";
    public string DataDir { get; } = Directory.CreateTempSubdirectory("podway-apiserver-test-").FullName;
    public ApiServerHost Host { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public ApiServerOptions Options { get; private set; } = null!;
    IObjectStore _store = null!;

    public static async Task<TestApiServer> StartAsync()
    {
        var server = new TestApiServer();
        await server.StartInternalAsync(FreePort());
        return server;
    }

    async Task StartInternalAsync(int port)
    {
        Options = new ApiServerOptions
        {
            ClusterName = "test",
            DataDir = DataDir,
            Port = port,
            AdvertiseAddress = IPAddress.Parse("172.31.255.1"),
            ServingCertificate = SelfSigned(),
            Tokens = new HashSet<string> { Token },
        };
        _store = await SqliteObjectStore.OpenAsync(Path.Combine(DataDir, "store.db"), new StoreOptions());
        Host = await ApiServerHost.StartAsync(Options, _store);
        Http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{port}"),
        };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>Stops the server and the store and starts both again on the same data.</summary>
    public async Task RestartAsync()
    {
        var port = Options.Port;
        await StopAsync();
        await StartInternalAsync(port);
    }

    public async Task<(int Code, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body != null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        if (body != null) request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (accept != null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 && (text[0] == '{' || text[0] == '[') ? JsonNode.Parse(text) : JsonValue.Create(text));
    }

    public Task<(int Code, JsonNode? Body)> PostAsync(string path, string body) => SendAsync(HttpMethod.Post, path, body);
    public Task<(int Code, JsonNode? Body)> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, accept: accept);

    async Task StopAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        await _store.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(DataDir, true); } catch (IOException) { }
    }

    static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=podway-test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
