using System.Net;
using System.Net.Sockets;

namespace Podway.Edge.Tests.Serving;

/// <summary>Upstreams that fail in the ways the forwarder must survive.</summary>
internal sealed class BrokenUpstream : IDisposable
{
    readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    readonly List<Socket> _held = [];
    readonly CancellationTokenSource _stop = new();

    BrokenUpstream() => _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;
    public int Accepted;

    /// <summary>Listens but never accepts, with its accept queue filled: further SYNs are dropped by the kernel,
    /// so connects hang until the client gives up.</summary>
    public static async Task<BrokenUpstream> BlackholeAsync()
    {
        var upstream = new BrokenUpstream();
        upstream._listener.Listen(0);
        for (var i = 0; i < 2; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            upstream._held.Add(filler);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try { await filler.ConnectAsync(IPAddress.Loopback, upstream.Port, timeout.Token); }
            catch (OperationCanceledException) { break; } // the queue is full already
        }
        return upstream;
    }

    /// <summary>Accepts connections and closes each at once, before any response byte.</summary>
    public static BrokenUpstream Closer()
    {
        var upstream = new BrokenUpstream();
        upstream._listener.Listen(16);
        _ = Task.Run(async () =>
        {
            while (!upstream._stop.IsCancellationRequested)
            {
                try
                {
                    using var socket = await upstream._listener.AcceptAsync(upstream._stop.Token);
                    Interlocked.Increment(ref upstream.Accepted);
                    socket.LingerState = new LingerOption(true, 0); // RST
                }
                catch (Exception) { return; }
            }
        });
        return upstream;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (var socket in _held) socket.Dispose();
    }
}
