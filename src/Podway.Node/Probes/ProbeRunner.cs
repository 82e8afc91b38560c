using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Podway.Node.Probes;

/// <summary>
/// Runs one probe attempt the way the kubelet's prober does: httpGet (2xx/3xx succeed, User-Agent kube-probe,
/// TLS unverified), tcpSocket (connect succeeds), exec (exit 0 succeeds). Failure messages follow the kubelet's
/// (Go's net/http wording), since they end up in "Unhealthy" events.
/// </summary>
internal static class ProbeRunner
{
    static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    }) { Timeout = Timeout.InfiniteTimeSpan };

    public static async Task<ProbeOutcome> RunAsync(JsonObject probe, ProbeTarget target, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, probe["timeoutSeconds"]?.GetValue<int>() ?? 1));
        try
        {
            if (probe["httpGet"] is JsonObject http) return await HttpAsync(http, target, timeout, ct);
            if (probe["tcpSocket"] is JsonObject tcp) return await TcpAsync(tcp, target, timeout, ct);
            if (probe["exec"] is JsonObject exec) return await ExecAsync(exec, target, timeout, ct);
            if (probe["grpc"] is not null) return new ProbeOutcome(false, "grpc probes are not supported by podway");
            return new ProbeOutcome(false, "missing probe handler");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeOutcome(false, "probe timed out");
        }
    }

    /// <summary>A port given as a number, or a name looked up in the container's ports.</summary>
    public static int ResolvePort(JsonNode? port, JsonObject container)
    {
        if (port is JsonValue v && v.TryGetValue<int>(out var number)) return number;
        var name = port?.GetValue<string>() ?? "";
        if (int.TryParse(name, out number)) return number;
        foreach (var p in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            if (p["name"]?.GetValue<string>() == name) return p["containerPort"]?.GetValue<int>() ?? 0;
        throw new InvalidOperationException($"unable to find port \"{name}\" in container");
    }

    static async Task<ProbeOutcome> HttpAsync(JsonObject http, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        int port;
        try { port = ResolvePort(http["port"], target.Container); }
        catch (InvalidOperationException e) { return new ProbeOutcome(false, e.Message); }
        var scheme = (http["scheme"]?.GetValue<string>() ?? "HTTP").ToLowerInvariant();
        var host = http["host"]?.GetValue<string>() is { Length: > 0 } h ? h : target.PodIp;
        var path = http["path"]?.GetValue<string>() ?? "/";
        if (!path.StartsWith('/')) path = "/" + path;
        var url = $"{scheme}://{(host.Contains(':') ? $"[{host}]" : host)}:{port}{path}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", "kube-probe/1.33");
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        request.Headers.ConnectionClose = true;
        foreach (var header in (http["httpHeaders"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = header["name"]?.GetValue<string>() ?? "";
            var value = header["value"]?.GetValue<string>() ?? "";
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) request.Headers.Host = value;
            else { request.Headers.Remove(name); request.Headers.TryAddWithoutValidation(name, value); }
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 400
                ? new ProbeOutcome(true, "")
                : new ProbeOutcome(false, $"HTTP probe failed with statuscode: {code}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeOutcome(false, $"Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
        catch (HttpRequestException e)
        {
            return new ProbeOutcome(false, $"Get \"{url}\": {DialError(e.InnerException as SocketException, host, port) ?? e.Message}");
        }
    }

    static async Task<ProbeOutcome> TcpAsync(JsonObject tcp, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        int port;
        try { port = ResolvePort(tcp["port"], target.Container); }
        catch (InvalidOperationException e) { return new ProbeOutcome(false, e.Message); }
        var host = tcp["host"]?.GetValue<string>() is { Length: > 0 } h ? h : target.PodIp;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, cts.Token);
            return new ProbeOutcome(true, "");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeOutcome(false, $"dial tcp {host}:{port}: i/o timeout");
        }
        catch (SocketException e)
        {
            return new ProbeOutcome(false, DialError(e, host, port) ?? e.Message);
        }
    }

    static async Task<ProbeOutcome> ExecAsync(JsonObject exec, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        var command = (exec["command"] as JsonArray ?? []).Select(n => n?.GetValue<string>() ?? "").ToList();
        if (command.Count == 0) return new ProbeOutcome(false, "exec probe has no command");
        try
        {
            var (code, output) = await target.Exec(command, timeout, ct);
            return code == 0 ? new ProbeOutcome(true, output) : new ProbeOutcome(false, output.Length > 0 ? output : $"command {Quote(command)} exited with {code}");
        }
        catch (TimeoutException)
        {
            return new ProbeOutcome(false, $"command timed out: {Quote(command)} timed out after {timeout.TotalSeconds:0}s");
        }
    }

    static string Quote(IReadOnlyList<string> command) => "\"" + string.Join(' ', command) + "\"";

    static string? DialError(SocketException? e, string host, int port) => e?.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => $"dial tcp {host}:{port}: connect: connection refused",
        SocketError.HostUnreachable => $"dial tcp {host}:{port}: connect: no route to host",
        SocketError.NetworkUnreachable => $"dial tcp {host}:{port}: connect: network is unreachable",
        SocketError.TimedOut => $"dial tcp {host}:{port}: i/o timeout",
        _ => null,
    };
}
