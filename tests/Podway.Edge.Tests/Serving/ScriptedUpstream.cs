using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Edge.Tests.Serving;

/// <summary>
/// A raw-socket HTTP/1.1 upstream whose answers are scripted byte for byte, for what real servers rarely send:
/// chunked bodies in pieces, interim responses, bodies until close, malformed heads, idle connections closed
/// without notice. Each request's head (and a Content-Length body) is read, then the script writes to the socket;
/// the connection stays open for the next request unless the script returns false.
/// </summary>
internal sealed class ScriptedUpstream : IDisposable
{
    readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    readonly CancellationTokenSource _stop = new();
    readonly Func<string, Socket, Task<bool>> _script;

    ScriptedUpstream(Func<string, Socket, Task<bool>> script)
    {
        _script = script;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;
    public int Accepted;
    public int Requests;

    /// <summary>The script gets each request's head and the socket; it returns whether to keep the connection.</summary>
    public static ScriptedUpstream Start(Func<string, Socket, Task<bool>> script) => new(script);

    /// <summary>Always the same bytes, connection kept.</summary>
    public static ScriptedUpstream Answering(string response) =>
        Start(async (_, socket) => { await SendAsync(socket, response); return true; });

    /// <summary>Every request answered with these pieces, one send each, <paramref name="gapMs"/> apart.</summary>
    public static ScriptedUpstream InPieces(int gapMs, bool keepAlive, params string[] pieces) =>
        Start(async (_, socket) =>
        {
            for (var i = 0; i < pieces.Length; i++)
            {
                if (i > 0) await Task.Delay(gapMs);
                await SendAsync(socket, pieces[i]);
            }
            return keepAlive;
        });

    public static async Task SendAsync(Socket socket, string text) =>
        await socket.SendAsync(Encoding.Latin1.GetBytes(text), SocketFlags.None);

    async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref Accepted);
            _ = Task.Run(() => Serve(socket));
        }
    }

    async Task Serve(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            var length = 0;
            try
            {
                while (true)
                {
                    int end;
                    while ((end = IndexOfHeadEnd(buffer, length)) < 0)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, _stop.Token);
                        if (read == 0) return;
                        length += read;
                    }
                    var head = Encoding.Latin1.GetString(buffer, 0, end);
                    var bodyLength = ContentLength(head);
                    while (length < end + bodyLength)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, _stop.Token);
                        if (read == 0) return;
                        length += read;
                    }
                    Buffer.BlockCopy(buffer, end + bodyLength, buffer, 0, length - end - bodyLength);
                    length -= end + bodyLength;
                    Interlocked.Increment(ref Requests);
                    if (!await _script(head, socket)) return;
                }
            }
            catch (Exception) { }
        }
    }

    static int IndexOfHeadEnd(byte[] buffer, int length)
    {
        var at = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
        return at < 0 ? -1 : at + 4;
    }

    static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) return int.Parse(line[15..].Trim());
        return 0;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}
