using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podway.Images.Common;
using Podway.Images.Http;

namespace Podway.Images.Echo;

/// <summary>
/// The Gateway API conformance backend (echo-basic): every request is answered with the JSON the conformance suite
/// asserts on (path as requested, host, method, proto, headers in Go's canonical form without Host, and
/// namespace/ingress/service/pod from NAMESPACE, INGRESS_NAME, SERVICE_NAME, POD_NAME), indented one space as Go's
/// json.MarshalIndent does. `X-Echo-Set-Header: Name: value, Other: value` sets response headers; `?delay=1s` waits
/// first; /health answers OK; /status/NNN answers NNN. HTTP on HTTP_PORT (3000); with TLS_SERVER_CERT and
/// TLS_SERVER_PRIVKEY (PEM files) also HTTPS on HTTPS_PORT (8443), whose answers add "tls" (version, serverName,
/// negotiatedProtocol, cipherSuite), as the conformance suite's tls-backend runs it; gRPC instead with GRPC_ECHO_SERVER.
/// </summary>
internal sealed partial class EchoBasic
{
    readonly string _port = Env("HTTP_PORT") ?? "3000";

    /// <summary>GRPC_ECHO_SERVER set (any value) serves the gRPC mode instead (<see cref="GrpcEcho"/>), as echo-basic.</summary>
    public static Task<int> RunAsync(string[] args) =>
        Env("GRPC_ECHO_SERVER") is not null ? GrpcEcho.RunAsync(Env("HTTP_PORT") ?? "3000") : new EchoBasic().MainAsync();

    async Task<int> MainAsync()
    {
        if (!int.TryParse(_port, out var port) || port is <= 0 or > 65535)
        {
            Console.Error.WriteLine($"panic: Failed to start listening: listen tcp: address {_port}: invalid port");
            return 2;
        }
        using var termination = new Termination();
        try
        {
            Console.Out.WriteLine($"Starting server, listening on port {_port} (http)");
            _ = HttpServer.Listen(port, Answer).ServeAsync(termination.Token);
            if (Env("TLS_SERVER_CERT") is { } certFile && Env("TLS_SERVER_PRIVKEY") is { } keyFile)
            {
                var httpsPort = Env("HTTPS_PORT") ?? "8443";
                if (!int.TryParse(httpsPort, out var tlsPort) || tlsPort is <= 0 or > 65535)
                {
                    Console.Error.WriteLine($"panic: Failed to start listening: listen tcp: address {httpsPort}: invalid port");
                    return 2;
                }
                System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
                try
                {
                    using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certFile, keyFile);
                    // A PKCS#12 round trip so SslStream gets a key it can use on Linux.
                    certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
                }
                catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"panic: failed to load the TLS certificate: {e.Message}");
                    return 2;
                }
                var tls = new System.Net.Security.SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ApplicationProtocols = [System.Net.Security.SslApplicationProtocol.Http11],
                };
                Console.Out.WriteLine($"Starting server, listening on port {httpsPort} (https)");
                _ = HttpServer.Listen(tlsPort, Answer, tls).ServeAsync(termination.Token);
            }
            await termination.Signaled;
            return 0;
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"panic: Failed to start listening: {e.Message}");
            return 2;
        }
    }

    async ValueTask<HttpResponse> Answer(HttpRequest request)
    {
        var route = request.Path.Replace("//", "/");
        if (route == "/health") return HttpResponse.Text("OK", contentType: "text/plain; charset=utf-8");
        if (route.StartsWith("/status/", StringComparison.Ordinal))
        {
            var code = StatusPath().Match(request.Target);
            return new HttpResponse { Status = code.Success ? int.Parse(code.Groups[1].Value, CultureInfo.InvariantCulture) : 400 };
        }
        Console.Out.WriteLine($"Echoing back request made to {request.Target} to client ({request.Remote})");
        var delay = request.Query().FirstOrDefault(q => q.Key == "delay").Value;
        if (!string.IsNullOrEmpty(delay))
        {
            if (GoDuration(delay) is not { } wait) return Error($"time: invalid duration \"{delay}\"");
            await Task.Delay(wait);
        }
        var response = new HttpResponse { Body = Json(request) };
        foreach (var list in request.Headers.Where(h => Canonical(h.Key) == "X-Echo-Set-Header").Select(h => h.Value))
            foreach (var pair in list.Split(','))
            {
                var trimmed = pair.Trim();
                var colon = trimmed.IndexOf(':');
                var (name, value) = colon < 0 ? (trimmed, "") : (trimmed[..colon], trimmed[(colon + 1)..]);
                var index = response.Headers.FindIndex(h => h.Key == name);
                if (index < 0) response.Headers.Add(new(name, value));
                else response.Headers[index] = new(name, response.Headers[index].Value + "," + value.Trim());
            }
        response.Headers.Add(new("Content-Type", "application/json"));
        response.Headers.Add(new("X-Content-Type-Options", "nosniff"));
        return response;
    }

    byte[] Json(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("path", request.Target);
            w.WriteString("host", request.Header("Host") ?? "");
            w.WriteString("method", request.Method);
            w.WriteString("proto", request.Version);
            w.WriteStartObject("headers");
            // Go's http.Header: canonical keys, Host taken out, keys sorted by encoding/json.
            foreach (var group in request.Headers.Where(h => !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
                         .GroupBy(h => Canonical(h.Key)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                w.WriteStartArray(group.Key);
                foreach (var h in group) w.WriteStringValue(h.Value);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteString("namespace", Env("NAMESPACE") ?? "");
            w.WriteString("ingress", Env("INGRESS_NAME") ?? "");
            w.WriteString("service", Env("SERVICE_NAME") ?? "");
            w.WriteString("pod", Env("POD_NAME") ?? "");
            if (request.Tls is { } tls)
            {
                w.WriteStartObject("tls");
                w.WriteString("version", tls.SslProtocol switch
                {
                    System.Security.Authentication.SslProtocols.Tls13 => "TLSv1.3",
                    System.Security.Authentication.SslProtocols.Tls12 => "TLSv1.2",
                    _ => tls.SslProtocol.ToString(),
                });
                w.WriteString("serverName", tls.TargetHostName);
                if (tls.NegotiatedApplicationProtocol.Protocol.Length > 0)
                    w.WriteString("negotiatedProtocol", tls.NegotiatedApplicationProtocol.ToString());
                w.WriteString("cipherSuite", tls.NegotiatedCipherSuite.ToString());
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    static HttpResponse Error(string message)
    {
        var body = new JsonObject { ["message"] = message }.ToJsonString();
        var response = new HttpResponse { Status = 500, Body = Encoding.UTF8.GetBytes(body) };
        response.Headers.Add(new("Content-Type", "application/json"));
        response.Headers.Add(new("X-Content-Type-Options", "nosniff"));
        return response;
    }

    /// <summary>textproto.CanonicalMIMEHeaderKey: `x-foo-bar` → `X-Foo-Bar`; a key with a byte Go rejects stays as is.</summary>
    internal static string Canonical(string key)
    {
        if (key.Any(c => c is ' ' or ':' || c > 127)) return key;
        var chars = key.ToCharArray();
        var upper = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = upper ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            upper = chars[i] == '-';
        }
        return new string(chars);
    }

    /// <summary>Go's time.ParseDuration for the forms tests send (`1s`, `500ms`, `1.5s`, `1m30s`).</summary>
    internal static TimeSpan? GoDuration(string text)
    {
        var parts = DurationPart().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != text) return null;
        var total = 0.0;
        foreach (Match p in parts)
            total += double.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture) * p.Groups[2].Value switch
            {
                "ns" => 1e-6, "us" or "µs" => 1e-3, "ms" => 1, "s" => 1000, "m" => 60_000, _ => 3_600_000,
            };
        return TimeSpan.FromMilliseconds(total);
    }

    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    [GeneratedRegex(@"^/status/(\d\d\d)$")]
    private static partial Regex StatusPath();

    [GeneratedRegex(@"(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex DurationPart();
}
