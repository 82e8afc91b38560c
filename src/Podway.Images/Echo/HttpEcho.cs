using System.Diagnostics;
using System.Net.Sockets;
using Podway.Images.Common;
using Podway.Images.Http;

namespace Podway.Images.Echo;

/// <summary>
/// hashicorp/http-echo: answers every request with -text (or $ECHO_TEXT) and a newline on -listen (":5678"),
/// /health answers {"status":"ok"}. Flags are Go's flag package: -text=x, -text x, --text x.
/// </summary>
internal static class HttpEcho
{
    const string Version = "1.0.0";

    public static async Task<int> RunAsync(string[] args)
    {
        string text = Environment.GetEnvironmentVariable("ECHO_TEXT") ?? "", listen = ":5678";
        var status = 200;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                Console.Error.WriteLine("Too many arguments!");
                return 127;
            }
            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (name == "version")
            {
                Console.Out.WriteLine($"http-echo v{Version}");
                return 0;
            }
            if (name is not ("text" or "listen" or "status-code"))
            {
                Console.Error.WriteLine($"flag provided but not defined: -{name}");
                return 2;
            }
            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    Console.Error.WriteLine($"flag needs an argument: -{name}");
                    return 2;
                }
                value = args[++i];
            }
            switch (name)
            {
                case "text": text = value; break;
                case "listen": listen = value; break;
                default:
                    if (!int.TryParse(value, out status))
                    {
                        Console.Error.WriteLine($"invalid value \"{value}\" for flag -status-code: parse error");
                        return 2;
                    }
                    break;
            }
        }
        if (text.Length == 0)
        {
            Console.Error.WriteLine("Missing -text option!");
            return 127;
        }
        var colon = listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(listen[(colon + 1)..], out var port))
        {
            Console.Error.WriteLine($"[ERR] Error starting server: listen tcp: address {listen}: missing port in address");
            return 1;
        }

        using var termination = new Termination();
        HttpServer server;
        try
        {
            server = new HttpServer(Listeners.Tcp(listen[..colon], port), request =>
            {
                var started = Stopwatch.GetTimestamp();
                var response = request.Path == "/health"
                    ? HttpResponse.Json("{\"status\":\"ok\"}\n")
                    : HttpResponse.Text(text + "\n", status);
                response.Headers.Add(new("X-App-Name", "http-echo"));
                response.Headers.Add(new("X-App-Version", Version));
                Console.Out.WriteLine($"{DateTime.Now:yyyy'/'MM'/'dd HH':'mm':'ss} {request.Header("Host")} {PodInfo.Format(request.Remote)} \"{request.Method} {request.Target} {request.Version}\" {response.Status} {response.Body.Length} \"{request.Header("User-Agent")}\" {Stopwatch.GetElapsedTime(started).TotalMicroseconds:0.#}µs");
                return new(response);
            });
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"[ERR] Error starting server: listen tcp {listen}: bind: {e.Message}");
            return 1;
        }
        Console.Out.WriteLine($"{DateTime.Now:yyyy'/'MM'/'dd HH':'mm':'ss} [INFO] server is listening on {listen}");
        _ = server.ServeAsync(termination.Token);
        await termination.Signaled;
        Console.Out.WriteLine($"{DateTime.Now:yyyy'/'MM'/'dd HH':'mm':'ss} [INFO] server received signal, shutting down");
        return 0;
    }
}
