using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Controllers.Tests;

/// <summary>
/// Test fixture: an HTTP listener on 127.0.0.1 that answers each request with what the test scripted for it, and
/// records every request. Only for client tests that need exact wire responses (410, paging, bookmarks); the
/// controllers are tested against the real API server.
/// </summary>
internal sealed class ScriptedApiServer : IDisposable
{
    public sealed record Request(string Method, string PathAndQuery, string Body, string? ContentType);
    public sealed record Response(int Status, string Body);

    readonly HttpListener _listener = new();
    readonly Func<Request, Response> _script;
    readonly CancellationTokenSource _stop = new();

    public ConcurrentQueue<Request> Requests { get; } = new();
    public Uri Address { get; }

    public ScriptedApiServer(Func<Request, Response> script)
    {
        _script = script;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var reader = new StreamReader(context.Request.InputStream);
            var request = new Request(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, await reader.ReadToEndAsync(), context.Request.ContentType);
            Requests.Enqueue(request);
            var response = _script(request);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(response.Body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public static string WatchLines(params string[] events) => string.Join("\n", events) + "\n";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
