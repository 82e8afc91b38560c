using System.Collections;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Podway.Images.Common;
using Podway.Images.Http;

namespace Podway.Images.Agnhost;

/// <summary>
/// agnhost porter: for each SERVE_PORT_N / SERVE_TCP_PORT_N / SERVE_UDP_PORT_N / SERVE_TLS_PORT_N variable, serves
/// its value on port N (HTTP, UDP or HTTPS); --json-response answers {"Method":..,"Body":..} instead.
/// </summary>
internal static class Porter
{
    public static async Task<int> RunAsync(string[] args)
    {
        var flags = new PFlags().Bool("json-response", false, "Responds to requests with a json response that includes the default value with the http.Request Method");
        if (CobraCommand.Parse("porter", flags, args, 0, 0, out var exit) is null) return exit;
        var json = flags.GetBool("json-response");
        using var termination = new Termination();
        var ct = termination.Token;

        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var key = (string)entry.Key;
            var value = (string?)entry.Value ?? "";
            if (key.StartsWith("SERVE_PORT_", StringComparison.Ordinal)) ServeHttp(key["SERVE_PORT_".Length..], value, json, null, ct);
            else if (key.StartsWith("SERVE_TCP_PORT_", StringComparison.Ordinal)) ServeHttp(key["SERVE_TCP_PORT_".Length..], value, json, null, ct);
            else if (key.StartsWith("SERVE_UDP_PORT_", StringComparison.Ordinal)) ServeUdp(key["SERVE_UDP_PORT_".Length..], value, ct);
            else if (key.StartsWith("SERVE_TLS_PORT_", StringComparison.Ordinal))
            {
                var certFile = Environment.GetEnvironmentVariable("CERT_FILE") is { Length: > 0 } c ? c : "localhost.crt";
                var keyFile = Environment.GetEnvironmentVariable("KEY_FILE") is { Length: > 0 } k ? k : "localhost.key";
                var tls = new SslServerAuthenticationOptions { ServerCertificate = SelfSignedCertificate.FromFilesOrCreate(certFile, keyFile) };
                ServeHttp(key["SERVE_TLS_PORT_".Length..], value, json, tls, ct);
            }
            else if (key.StartsWith("SERVE_SCTP_PORT_", StringComparison.Ordinal))
                GoLog.Printf($"SCTP is not supported by podway's agnhost; {key} is ignored");
        }
        await termination.Signaled;
        return 0;
    }

    static void ServeHttp(string port, string value, bool json, SslServerAuthenticationOptions? tls, CancellationToken ct)
    {
        if (!int.TryParse(port, out var p))
        {
            GoLog.Printf($"server on port \"{port}\" failed: listen tcp: address 0.0.0.0:{port}: invalid port");
            return;
        }
        HttpServer server;
        try
        {
            server = HttpServer.Listen(p, request =>
            {
                if (!json) return new(HttpResponse.Text(value));
                var sb = new StringBuilder("{\"Method\":");
                GoJson.String(sb, request.Method);
                sb.Append(",\"Body\":");
                GoJson.String(sb, value);
                return new(HttpResponse.Json(sb.Append('}').ToString()));
            }, tls);
        }
        catch (SocketException e)
        {
            GoLog.Printf($"server on port \"{port}\" failed: listen tcp 0.0.0.0:{port}: bind: {e.Message}");
            return;
        }
        _ = server.ServeAsync(ct);
    }

    static void ServeUdp(string port, string value, CancellationToken ct)
    {
        if (!int.TryParse(port, out var p))
        {
            GoLog.Fatal($"UDP: failed to resolve address: address 0.0.0.0:{port}: invalid port");
            return;
        }
        Socket socket;
        try { socket = Listeners.Udp(p); }
        catch (SocketException e)
        {
            GoLog.Fatal($"UDP: failed to listen on port {port}: {e.Message}");
            return;
        }
        GoLog.Printf($"Started UDP server on port {port}");
        var reply = Encoding.UTF8.GetBytes(value);
        _ = Task.Run(async () =>
        {
            var buffer = new byte[16];
            var any = new System.Net.IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? System.Net.IPAddress.IPv6Any : System.Net.IPAddress.Any, 0);
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
                    await socket.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint, ct);
                }
                catch (SocketException e) { GoLog.Printf($"UDP: error from ReadFrom(): {e.Message}"); }
            }
        }, ct);
    }
}
