using System.Net.Sockets;
using System.Text;
using Podway.Images.Common;
using Podway.Images.Http;

namespace Podway.Images.Agnhost;

/// <summary>agnhost serve-hostname: the hostname over HTTP (default), raw TCP or UDP on --port (9376).</summary>
internal static class ServeHostname
{
    public static async Task<int> RunAsync(string[] args)
    {
        var flags = new PFlags()
            .Bool("tcp", false, "Serve raw over TCP.")
            .Bool("udp", false, "Serve raw over UDP.")
            .Bool("http", true, "Serve HTTP.")
            .Bool("close", false, "Close connection per each HTTP request.")
            .Int("port", 9376, "Port number.");
        if (CobraCommand.Parse("serve-hostname", flags, args, 0, 0, out var exit) is null) return exit;
        var (doTcp, doUdp, doHttp, doClose, port) = (flags.GetBool("tcp"), flags.GetBool("udp"), flags.GetBool("http"), flags.GetBool("close"), flags.GetInt("port"));
        if (doHttp && (doTcp || doUdp))
            return GoLog.Fatal("Can't server TCP/UDP mode and HTTP mode at the same time");

        var hostname = PodInfo.Hostname();
        var hostnameBytes = Encoding.UTF8.GetBytes(hostname);
        using var termination = new Termination();
        var ct = termination.Token;
        try
        {
            if (doTcp)
            {
                var listener = Listeners.Tcp(port);
                _ = Task.Run(async () =>
                {
                    while (!ct.IsCancellationRequested)
                    {
                        using var conn = await listener.AcceptAsync(ct);
                        GoLog.Printf($"TCP request from {PodInfo.Format((System.Net.IPEndPoint)conn.RemoteEndPoint!)}");
                        try { await conn.SendAsync(hostnameBytes, SocketFlags.None, ct); } catch (SocketException) { }
                    }
                }, ct);
            }
            if (doUdp)
            {
                var socket = Listeners.Udp(port);
                _ = Task.Run(async () =>
                {
                    var buffer = new byte[16];
                    var any = new System.Net.IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? System.Net.IPAddress.IPv6Any : System.Net.IPAddress.Any, 0);
                    while (!ct.IsCancellationRequested)
                    {
                        try
                        {
                            var r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
                            GoLog.Printf($"UDP request from {PodInfo.Format((System.Net.IPEndPoint)r.RemoteEndPoint)}");
                            await socket.SendToAsync(hostnameBytes, SocketFlags.None, r.RemoteEndPoint, ct);
                        }
                        catch (SocketException) { }
                    }
                }, ct);
            }
            if (doHttp)
            {
                var server = HttpServer.Listen(port, request =>
                {
                    GoLog.Printf($"HTTP request from {PodInfo.Format(request.Remote)}");
                    var response = HttpResponse.Text(hostname);
                    if (doClose) response.Close = true;
                    return new(response);
                });
                _ = server.ServeAsync(ct);
            }
        }
        catch (SocketException e)
        {
            return GoLog.Fatal($"Error from net.Listen(): listen tcp :{port}: bind: {e.Message}");
        }
        GoLog.Printf($"Serving on port {port}.");
        var signal = await termination.Signaled;
        GoLog.Printf($"Shutting down after receiving signal: {(signal == System.Runtime.InteropServices.PosixSignal.SIGTERM ? "terminated" : "interrupt")}.");
        return 0;
    }
}
