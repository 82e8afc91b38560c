using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Podway.Images.Common;
using Podway.Images.Http;

namespace Podway.Images.Agnhost;

/// <summary>
/// agnhost netexec: an HTTP(S) server with the real image's endpoints and a UDP server answering "hostname",
/// "echo MSG" and "clientip". SIGTERM flips /readyz to 503 and exits 0 after --delay-shutdown seconds.
/// </summary>
internal sealed class Netexec
{
    const string Use = "netexec";
    readonly PFlags flags = new PFlags()
        .Int("http-port", 8080, "HTTP Listen Port")
        .String("tls-cert-file", "", "File containing an x509 certificate for HTTPS. (CA cert, if any, concatenated after server cert)")
        .String("tls-private-key-file", "", "File containing an x509 private key matching --tls-cert-file")
        .Int("udp-port", 8081, "UDP Listen Port")
        .Int("sctp-port", -1, "SCTP Listen Port")
        .String("http-override", "", "Override the HTTP handler to always respond as if it were a GET with this path & params")
        .String("udp-listen-addresses", "", "A comma separated list of ip addresses the udp servers listen from")
        .Int("delay-shutdown", 0, "Number of seconds to delay shutdown when receiving SIGTERM.");

    volatile bool serverReady;
    volatile bool sigTermReceived;
    readonly string hostname = PodInfo.Hostname();
    HttpServer? server;

    public static Task<int> RunAsync(string[] args) => new Netexec().MainAsync(args);

    async Task<int> MainAsync(string[] args)
    {
        if (CobraCommand.Parse(Use, flags, args, 0, 0, out var exit) is null) return exit;
        using var termination = new Termination();
        _ = termination.Signaled.ContinueWith(async _ =>
        {
            sigTermReceived = true;
            var delay = flags.GetInt("delay-shutdown");
            if (delay > 0)
            {
                GoLog.Printf($"Sleeping {delay} seconds before terminating...");
                await Task.Delay(TimeSpan.FromSeconds(delay));
            }
            Environment.Exit(0);
        });

        var udpPort = flags.GetInt("udp-port");
        if (udpPort != -1)
        {
            var addresses = flags.GetString("udp-listen-addresses");
            var bindTo = addresses.Length == 0 ? [""] : addresses.Split(',').Distinct().Order(StringComparer.Ordinal).ToArray();
            foreach (var address in bindTo)
            {
                if (address.Length > 0 && !IPAddress.TryParse(address, out _))
                    return GoLog.Fatal($"parseAddress: invalid address {address}");
                var socket = Listeners.Udp(address, udpPort);
                GoLog.Printf($"Started UDP server on port {address} {udpPort}");
                serverReady = true;
                _ = Task.Run(() => UdpCommands.ServeAsync(socket, hostname, termination.Token));
            }
        }
        if (flags.GetInt("sctp-port") != -1)
            GoLog.Printf("SCTP is not supported by podway's agnhost; --sctp-port is ignored");

        SslServerAuthenticationOptions? tls = null;
        var certFile = flags.GetString("tls-cert-file");
        if (certFile.Length > 0)
        {
            var keyFile = flags.GetString("tls-private-key-file");
            var cert = X509Certificate2.CreateFromPemFile(certFile, keyFile.Length > 0 ? keyFile : null);
            tls = new SslServerAuthenticationOptions { ServerCertificate = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null) };
        }
        var port = flags.GetInt("http-port");
        try { server = HttpServer.Listen(port, HandleAsync, tls); }
        catch (System.Net.Sockets.SocketException e) { return GoLog.Fatal($"listen tcp :{port}: bind: {e.Message}"); }
        GoLog.Printf($"Started HTTP server on port {port}");
        await server.ServeAsync(termination.Token);
        await Task.Delay(Timeout.Infinite); // the SIGTERM continuation exits the process
        return 0;
    }

    ValueTask<HttpResponse> HandleAsync(HttpRequest request)
    {
        var overridePath = flags.GetString("http-override");
        if (overridePath.Length > 0)
            request = new HttpRequest
            {
                Method = "GET", Target = overridePath, Version = request.Version, Headers = request.Headers,
                Remote = request.Remote, Local = request.Local,
            };
        return request.Path switch
        {
            "/clientip" => Log("GET /clientip", HttpResponse.Text(PodInfo.Format(request.Remote))),
            "/header" => new(Header(request)),
            "/dial" => DialAsync(request),
            "/echo" => new(Echo(request)),
            "/exit" => ExitAsync(request),
            "/healthz" => Log("GET /healthz", new HttpResponse { Status = serverReady ? 200 : 412 }),
            "/readyz" => Log("GET /readyz", sigTermReceived ? HttpResponse.Text("shutting down", 503)
                : serverReady ? HttpResponse.Text("ok") : new HttpResponse { Status = 412 }),
            "/hostname" => Log("GET /hostname", HttpResponse.Text(hostname)),
            "/hostName" => Log("GET /hostName", HttpResponse.Text(hostname)),
            "/redirect" => new(Redirect(request)),
            "/shell" => ShellAsync(request),
            "/upload" => new(Upload(request)),
            "/shutdown" => Shutdown(),
            _ => Log("GET /", HttpResponse.Text($"NOW: {GoTime.Now()}")),
        };
    }

    static ValueTask<HttpResponse> Log(string line, HttpResponse response)
    {
        GoLog.Printf(line);
        return new(response);
    }

    static HttpResponse Echo(HttpRequest r)
    {
        var msg = r.FormValue("msg");
        var codeString = r.FormValue("code");
        GoLog.Printf($"GET /echo?msg={msg}&code={codeString}");
        if (codeString.Length == 0) return HttpResponse.Text(msg);
        if (!int.TryParse(codeString, out var code) || code < 100 || code > 999)
            return HttpResponse.Text($"argument 'code' must be an integer or empty, got {GoQuote(codeString)}\n");
        return HttpResponse.Text(msg, code);
    }

    static HttpResponse Header(HttpRequest r)
    {
        var key = r.FormValue("key");
        if (key.Length > 0)
        {
            GoLog.Printf($"GET /header?key={key}");
            return HttpResponse.Text(r.Header(key) ?? "");
        }
        GoLog.Printf("GET /header");
        // Go's http.Header: canonical names, Host is not a header, values grouped, keys sorted by encoding/json.
        var grouped = r.Headers.Where(h => !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            .GroupBy(h => CanonicalHeaderKey(h.Key))
            .Select(g => new KeyValuePair<string, IReadOnlyList<string>>(g.Key, g.Select(h => h.Value).ToList()));
        return HttpResponse.Text(GoJson.ObjectOfLists(grouped));
    }

    static string CanonicalHeaderKey(string key)
    {
        var chars = key.ToLowerInvariant().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (i == 0 || chars[i - 1] == '-') chars[i] = char.ToUpperInvariant(chars[i]);
        return new string(chars);
    }

    async ValueTask<HttpResponse> ExitAsync(HttpRequest r)
    {
        var waitString = r.FormValue("wait");
        var timeoutString = r.FormValue("timeout");
        var codeString = r.FormValue("code");
        GoLog.Printf($"GET /exit?code={codeString}&timeout={timeoutString}&wait={waitString}");
        if (!GoDuration.TryParse(timeoutString, out var timeout) && timeoutString.Length > 0)
            return HttpResponse.Text($"argument 'timeout' must be a valid golang duration or empty, got {GoQuote(timeoutString)}\n");
        if (!GoDuration.TryParse(waitString, out var wait) && waitString.Length > 0)
            return HttpResponse.Text($"argument 'wait' must be a valid golang duration or empty, got {GoQuote(waitString)}\n");
        var code = 0;
        if (codeString.Length > 0 && !int.TryParse(codeString, out code))
            return HttpResponse.Text($"argument 'code' must be an integer [0-127] or empty, got {GoQuote(codeString)}\n");
        GoLog.Printf($"Will begin shutdown in {GoDuration.Format(wait)}, allowing {GoDuration.Format(timeout)} for connections to close, then will exit with {code}");
        await Task.Delay(wait);
        if (timeout == TimeSpan.Zero)
            Environment.Exit(code); // like os.Exit: no answer
        return new HttpResponse
        {
            Close = true,
            AfterSend = () => _ = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(timeout.TotalMilliseconds, 100)));
                GoLog.Printf("Graceful shutdown completed with: <nil>");
                Environment.Exit(code);
            }),
        };
    }

    static HttpResponse Redirect(HttpRequest r)
    {
        var location = r.FormValue("location");
        var codeString = r.FormValue("code");
        GoLog.Printf($"{r.Method} /redirect?msg={location}&code={codeString}");
        var code = 302;
        if (codeString.Length > 0 && !int.TryParse(codeString, out code))
            return HttpResponse.Text($"argument 'code' must be an integer or empty, got {GoQuote(codeString)}\n");
        var response = r.Method is "GET" or "HEAD"
            ? HttpResponse.Text($"<a href=\"{WebUtility.HtmlEncode(location)}\">{HttpResponse.Reason(code)}</a>.\n\n", code, "text/html; charset=utf-8")
            : new HttpResponse { Status = code };
        response.Headers.Add(new("Location", location));
        return response;
    }

    static async ValueTask<HttpResponse> ShellAsync(HttpRequest r)
    {
        var cmd = r.FormValue("shellCommand");
        if (cmd.Length == 0) cmd = r.FormValue("cmd");
        GoLog.Printf($"GET /shell?cmd={cmd}");
        var fields = new Dictionary<string, string>();
        try
        {
            // Go's CombinedOutput: stdout and stderr on one pipe, in order.
            var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec 2>&1\n" + cmd);
            using var process = Process.Start(psi)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (output.Length > 0) fields["output"] = output;
            if (process.ExitCode != 0) fields["error"] = $"exit status {process.ExitCode}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            fields["error"] = $"fork/exec /bin/sh: {e.Message}";
        }
        GoLog.Printf($"Output: map[{string.Join(" ", fields.OrderBy(f => f.Key).Select(f => $"{f.Key}:{f.Value}"))}]");
        return HttpResponse.Text(GoJson.Object(fields));
    }

    static HttpResponse Upload(HttpRequest r)
    {
        GoLog.Printf("GET /upload");
        var file = Multipart.FindFile(r, "file");
        if (file is null)
        {
            GoLog.Printf("Unable to upload file: http: no such file");
            return HttpResponse.Text(GoJson.Object([new("error", "Unable to upload file.")]));
        }
        string path;
        try
        {
            // The real image has /uploads; on a host podway uses it when present, else a private temp folder.
            var dir = Directory.Exists("/uploads") ? "/uploads" : Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "agnhost-uploads")).FullName;
            path = Path.Combine(dir, "upload" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999));
            File.WriteAllBytes(path, file);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            GoLog.Printf($"Unable to open file for write: {e.Message}");
            return HttpResponse.Text(GoJson.Object([new("error", "Unable to open file for write")]));
        }
        GoLog.Printf($"Wrote upload to {path}");
        return HttpResponse.Text(GoJson.Object([new("output", path)]), 201);
    }

    static ValueTask<HttpResponse> Shutdown()
    {
        GoLog.Printf("GET /shutdown");
        Environment.Exit(0);
        return new(new HttpResponse());
    }

    static async ValueTask<HttpResponse> DialAsync(HttpRequest r)
    {
        var query = r.Query();
        string Get(string key) => query.FirstOrDefault(q => q.Key == key).Value ?? "";
        var (host, port, request, protocol, tryParam) = (Get("host"), Get("port"), Get("request"), Get("protocol"), Get("tries"));
        GoLog.Printf($"GET /dial?host={host}&protocol={protocol}&port={port}&request={request}&tries={tryParam}");
        var tries = 1;
        if (tryParam.Length > 0 && !int.TryParse(tryParam, out tries))
            return HttpResponse.Error($"tries parameter is invalid. strconv.Atoi: parsing {GoQuote(tryParam)}: invalid syntax", 400);
        if (request.Length == 0)
            return HttpResponse.Error("request parameter not specified. <nil>", 400);
        var proto = protocol.ToLowerInvariant();
        if (proto is not ("" or "http" or "udp"))
            return HttpResponse.Error(proto == "sctp" ? "unsupported protocol. sctp (podway's agnhost has no SCTP)" : $"unsupported protocol. {protocol}", 400);

        IPEndPoint endpoint;
        try { endpoint = await Resolve(host, port, proto == "udp" ? "udp" : "tcp"); }
        catch (ArgumentException e) { return HttpResponse.Error($"host and/or port param are invalid. {e.Message}", 400); }

        var responses = new List<string>();
        var errors = new List<string>();
        var last = "";
        for (var i = 0; i < tries; i++)
        {
            try
            {
                last = proto == "udp"
                    ? await UdpCommands.DialAsync(endpoint, request, TimeSpan.FromSeconds(5))
                    : await HttpGetClient.GetBodyAsync(endpoint, "/" + request, TimeSpan.FromSeconds(5));
                responses.Add(last);
            }
            catch (IOException e)
            {
                last = "";
                errors.Add(e.Message);
            }
        }
        var output = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        if (last.Length > 0) output.Add(new("responses", responses));
        if (errors.Count > 0) output.Add(new("errors", errors));
        return HttpResponse.Text(GoJson.ObjectOfLists(output));
    }

    static async Task<IPEndPoint> Resolve(string host, string port, string network)
    {
        var hostPort = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
        if (!int.TryParse(port, out var p) || p < 0 || p > 65535)
            throw new ArgumentException($"address {hostPort}: invalid port");
        if (host.Length == 0) return new IPEndPoint(IPAddress.Loopback, p);
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, p);
        try
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(host);
            return new IPEndPoint(addresses.OrderBy(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1).First(), p);
        }
        catch (System.Net.Sockets.SocketException)
        {
            throw new ArgumentException($"lookup {host}: no such host");
        }
    }

    /// <summary>Go's %q for the plain strings agnhost quotes.</summary>
    internal static string GoQuote(string s)
    {
        var sb = new StringBuilder();
        GoJson.String(sb, s);
        return sb.ToString();
    }
}
