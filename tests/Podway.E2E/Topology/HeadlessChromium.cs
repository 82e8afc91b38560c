using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Podway.E2E.Topology;

/// <summary>
/// Debian's chromium-headless-shell driven over the DevTools protocol (one page, Runtime.evaluate and
/// Page.captureScreenshot): enough to read what a page rendered and keep a picture of it, with no other dependency.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Binary = "/usr/bin/chromium-headless-shell";

    readonly Process _process;
    readonly DirectoryInfo _profile;
    readonly ClientWebSocket _socket = new();
    int _nextId;

    HeadlessChromium(Process process, DirectoryInfo profile) { _process = process; _profile = profile; }

    public static async Task<HeadlessChromium> OpenAsync(string url)
    {
        var profile = Directory.CreateTempSubdirectory("podway-chromium-");
        var psi = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        // Root runs it here, which Chromium's sandbox refuses; the page is our own, from loopback.
        foreach (var a in new[] { "--no-sandbox", "--no-zygote", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-port=0",
                     $"--user-data-dir={profile.FullName}", "--window-size=1600,1000", url })
            psi.ArgumentList.Add(a);
        var chromium = new HeadlessChromium(Process.Start(psi)!, profile);
        _ = chromium._process.StandardError.ReadToEndAsync();
        _ = chromium._process.StandardOutput.ReadToEndAsync();
        try
        {
            var portFile = Path.Combine(profile.FullName, "DevToolsActivePort");
            var port = await Eventually.ValueAsync(() => Task.FromResult(File.Exists(portFile) ? File.ReadAllLines(portFile).FirstOrDefault() : null),
                p => p is { Length: > 0 }, "chromium's DevTools port", 30);
            using var http = new HttpClient();
            var pages = await Eventually.ValueAsync(async () => JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray(),
                list => list.Any(t => (string?)t!["type"] == "page"), "chromium's page", 30);
            var page = pages.First(t => (string?)t!["type"] == "page")!;
            await chromium._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), CancellationToken.None);
            return chromium;
        }
        catch
        {
            await chromium.DisposeAsync();
            throw;
        }
    }

    /// <summary>The value of a JavaScript expression in the page (JSON-serializable results).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var reply = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (reply["exceptionDetails"] is { } error) throw new InvalidOperationException($"page threw: {error.ToJsonString()}");
        return reply["result"]?["value"]?.DeepClone();
    }

    public async Task<byte[]> ScreenshotAsync() =>
        Convert.FromBase64String((string)(await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }))["data"]!);

    async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await _socket.ReceiveAsync(buffer, timeout.Token);
                text.Write(buffer, 0, r.Count);
            } while (!r.EndOfMessage);
            var reply = JsonNode.Parse(text.ToArray())!;
            if ((int?)reply["id"] != id) continue; // an event, or another call's answer
            if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return reply["result"]!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); } catch (InvalidOperationException) { }
        _process.Dispose();
        try { _profile.Delete(recursive: true); } catch (IOException) { }
    }
}
