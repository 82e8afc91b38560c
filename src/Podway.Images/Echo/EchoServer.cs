using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Podway.Images.Common;
using Podway.Images.Http;

namespace Podway.Images.Echo;

/// <summary>
/// The echo server: answers every request with JSON describing the request (method, path, query, headers, body,
/// client address) and the pod that served it (POD_NAME/POD_NAMESPACE/POD_IP/NODE_NAME from the downward API,
/// else the hostname and first non-loopback address). One line per request on stdout.
/// </summary>
internal sealed class EchoServer(EchoVariant variant)
{
    readonly string hostname = PodInfo.Hostname();
    readonly string? podIp = Environment.GetEnvironmentVariable("POD_IP") is { Length: > 0 } ip ? ip : PodInfo.FirstAddress();

    public static Task<int> RunAsync(EchoVariant variant, string[] args) => new EchoServer(variant).MainAsync(args);

    async Task<int> MainAsync(string[] args)
    {
        if (!TryPort(variant.PortVariable, variant.DefaultPort, out var port)) return 1;
        using var termination = new Termination();
        var servers = new List<Task>();
        try
        {
            servers.Add(HttpServer.Listen(port, request => new(Answer(request, tls: false))).ServeAsync(termination.Token));
            Console.Out.WriteLine($"Listening on port {port}.");
            if (variant.TlsPortVariable is not null)
            {
                if (!TryPort(variant.TlsPortVariable, variant.DefaultTlsPort, out var tlsPort)) return 1;
                var tls = new SslServerAuthenticationOptions { ServerCertificate = SelfSignedCertificate.Create() };
                servers.Add(HttpServer.Listen(tlsPort, request => new(Answer(request, tls: true)), tls).ServeAsync(termination.Token));
                Console.Out.WriteLine($"Listening on port {tlsPort} (TLS).");
            }
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"listen: {e.Message}");
            return 1;
        }
        await termination.Signaled;
        return 0;
    }

    static bool TryPort(string variable, int fallback, out int port)
    {
        port = fallback;
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value)) return true;
        if (int.TryParse(value, out port) && port is > 0 and < 65536) return true;
        Console.Error.WriteLine($"invalid {variable} \"{value}\": want a port number");
        return false;
    }

    HttpResponse Answer(HttpRequest request, bool tls)
    {
        Console.Out.WriteLine($"{PodInfo.Format(request.Remote)} \"{request.Method} {request.Target} {request.Version}\" {request.Body.Length}");
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("pod");
            w.WriteString("name", Env("POD_NAME") ?? hostname);
            w.WriteString("namespace", Env("POD_NAMESPACE"));
            w.WriteString("ip", podIp);
            w.WriteString("node", Env("NODE_NAME"));
            w.WriteString("hostname", hostname);
            w.WriteEndObject();

            w.WriteStartObject("request");
            w.WriteString("method", request.Method);
            w.WriteString("path", Uri.UnescapeDataString(request.Path));
            w.WriteString("url", request.Target);
            w.WriteString("protocol", tls ? "https" : "http");
            w.WriteString("httpVersion", request.Version["HTTP/".Length..]);
            w.WriteStartObject("query");
            foreach (var group in request.Query().GroupBy(q => q.Key))
            {
                var values = group.Select(q => q.Value).ToList();
                if (values.Count == 1) w.WriteString(group.Key, values[0]);
                else
                {
                    w.WriteStartArray(group.Key);
                    foreach (var v in values) w.WriteStringValue(v);
                    w.WriteEndArray();
                }
            }
            w.WriteEndObject();
            w.WriteStartObject("headers");
            foreach (var group in request.Headers.GroupBy(h => h.Key.ToLowerInvariant()))
                w.WriteString(group.Key, string.Join(", ", group.Select(h => h.Value)));
            w.WriteEndObject();
            w.WriteString("body", Encoding.UTF8.GetString(request.Body));
            var client = request.Remote.Address.IsIPv4MappedToIPv6 ? request.Remote.Address.MapToIPv4() : request.Remote.Address;
            w.WriteString("clientAddress", client.ToString());
            w.WriteNumber("clientPort", request.Remote.Port);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        var response = new HttpResponse { Body = buffer.ToArray() };
        response.Headers.Add(new("Content-Type", "application/json; charset=utf-8"));
        return response;
    }

    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
