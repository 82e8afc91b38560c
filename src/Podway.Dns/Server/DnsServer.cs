using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Podway.Dns.Forward;
using Podway.Dns.Wire;
using Podway.Dns.Zone;

namespace Podway.Dns.Server;

/// <summary>
/// The cluster DNS server: UDP and TCP on one address and port. UDP runs one receive thread per core on its own
/// SO_REUSEPORT socket (the kernel spreads queries), each with its own buffers and parser, so answering from the
/// zone allocates nothing. Names outside the zone are answered inline from the <see cref="ForwardCache"/> when it
/// has them; otherwise they leave the loop and are answered from a task, SERVFAIL within the forwarder's budget. TCP connections are length-prefixed, pipelined in order, closed after 10 s idle.
/// </summary>
public sealed class DnsServer : IAsyncDisposable
{
    static readonly TimeSpan TcpIdle = TimeSpan.FromSeconds(10), ReceivePollInterval = TimeSpan.FromMilliseconds(500);
    const int MaxTcpConnections = 1024, MaxForwardsInFlight = 1024;

    readonly IQueryHandler[] _chain;
    readonly UpstreamForwarder _forwarder;
    readonly ForwardCache _cache;
    readonly List<Socket> _udp = [];
    readonly Socket _tcp;
    readonly CancellationTokenSource _stop = new();
    readonly List<Task> _loops = [];
    readonly SemaphoreSlim _tcpSlots = new(MaxTcpConnections), _forwardSlots = new(MaxForwardsInFlight);
    long _queries, _forwarded, _cached, _dropped;

    public IPEndPoint LocalEndPoint { get; }
    public long Queries => Interlocked.Read(ref _queries);
    public long Forwarded => Interlocked.Read(ref _forwarded);
    /// <summary>Queries for names outside the zone answered from <see cref="ForwardCache"/>.</summary>
    public long Cached => Interlocked.Read(ref _cached);
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <param name="listen">Address and port for both UDP and TCP; port 0 picks a free one (see <see cref="LocalEndPoint"/>).</param>
    /// <param name="udpLoops">Receive loops (and sockets); default: one per core.</param>
    public DnsServer(ClusterZone zone, UpstreamForwarder forwarder, IPEndPoint listen, int? udpLoops = null)
        : this([new KubernetesHandler(zone)], forwarder, listen, udpLoops) { }

    /// <summary>A server with its own handler chain; what no handler answers goes to <paramref name="forwarder"/>.</summary>
    internal DnsServer(IQueryHandler[] chain, UpstreamForwarder forwarder, IPEndPoint listen, int? udpLoops = null, ForwardCache? cache = null)
    {
        _chain = chain;
        _forwarder = forwarder;
        _cache = cache ?? new ForwardCache();
        int loops = Math.Max(1, udpLoops ?? Environment.ProcessorCount);
        // Port 0: the UDP port the kernel picks may be taken for TCP (by any connection's ephemeral port); pick again.
        for (int attempt = 1; ; attempt++)
        {
            var first = UdpSocket(listen);
            LocalEndPoint = (IPEndPoint)first.LocalEndPoint!;
            _udp.Add(first);
            _tcp = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            _tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            try { _tcp.Bind(LocalEndPoint); break; }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && listen.Port == 0 && attempt < 20)
            {
                Close();
                _udp.Clear();
            }
            catch { Close(); throw; }
        }
        try { for (int i = 1; i < loops; i++) _udp.Add(UdpSocket(LocalEndPoint)); }
        catch { Close(); throw; }
        _tcp.Listen(512);
    }

    static Socket UdpSocket(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.SetRawSocketOption(1 /* SOL_SOCKET */, 15 /* SO_REUSEPORT */, BitConverter.GetBytes(1));
        socket.ReceiveBufferSize = 4 << 20;
        socket.ReceiveTimeout = (int)ReceivePollInterval.TotalMilliseconds; // how often an idle loop looks at _stop
        socket.Bind(endpoint);
        return socket;
    }

    public void Start()
    {
        // UDP: a thread per socket blocked in recvfrom, woken by the kernel when a query lands. An async receive costs a
        // failed recvfrom, an epoll wakeup and a thread pool hop whenever the socket is idle, which at moderate
        // rates is every query (p50 57 us against 27 us for unbound before this).
        foreach (var socket in _udp)
            _loops.Add(Task.Factory.StartNew(() => UdpLoop(socket), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        _loops.Add(Task.Run(AcceptLoopAsync));
    }

    void UdpLoop(Socket socket)
    {
        var processor = new QueryProcessor(_chain);
        var request = new byte[QueryProcessor.MaxTcpMessage];
        var response = new byte[QueryProcessor.MaxTcpMessage];
        var client = new SocketAddress(socket.AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try { n = socket.ReceiveFrom(request, SocketFlags.None, client); }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; } // the receive timeout (a look at _stop), or ICMP unreachable from an earlier send
            Interlocked.Increment(ref _queries);
            switch (processor.Process(request.AsSpan(0, n), response, tcp: false, out var length))
            {
                case ProcessResult.Respond:
                    Reply(socket, response.AsSpan(0, length), client);
                    break;
                case ProcessResult.Forward:
                    if (FromCache(processor, response, tcp: false) is > 0 and var hit)
                    {
                        Reply(socket, response.AsSpan(0, hit), client);
                        break;
                    }
                    if (!_forwardSlots.Wait(0)) { Interlocked.Increment(ref _dropped); break; }
                    var query = request.AsSpan(0, n).ToArray();
                    var to = new SocketAddress(client.Family, client.Size);
                    client.Buffer.CopyTo(to.Buffer);
                    _ = ForwardUdpAsync(socket, query, to);
                    break;
                default:
                    Interlocked.Increment(ref _dropped);
                    break;
            }
        }
    }

    /// <summary>
    /// A synchronous send: a UDP send does not wait for the peer, and one async call would switch the socket to
    /// non-blocking mode for good, turning the loop's blocking receives into emulated ones.
    /// </summary>
    static void Reply(Socket socket, ReadOnlySpan<byte> response, SocketAddress client)
    {
        try { socket.SendTo(response, SocketFlags.None, client); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    async Task ForwardUdpAsync(Socket socket, byte[] query, SocketAddress client)
    {
        var response = ArrayPool<byte>.Shared.Rent(QueryProcessor.MaxTcpMessage);
        try
        {
            var length = await ForwardAsync(query, response, tcp: false);
            Reply(socket, response.AsSpan(0, length), client);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            ArrayPool<byte>.Shared.Return(response);
            _forwardSlots.Release();
        }
    }

    /// <summary>The cached answer to the query the processor just passed on, or 0.</summary>
    int FromCache(QueryProcessor processor, byte[] response, bool tcp)
    {
        var length = _cache.TryAnswer(processor.Query, response, tcp);
        if (length > 0) Interlocked.Increment(ref _cached);
        return length;
    }

    /// <summary>Asks the upstreams (SERVFAIL when none answers) and keeps what may be reused.</summary>
    async Task<int> ForwardAsync(byte[] query, byte[] response, bool tcp)
    {
        Interlocked.Increment(ref _forwarded);
        var length = await _forwarder.ForwardAsync(query, response, tcp, _stop.Token);
        if (length == 0) return new QueryProcessor(_chain).ServFail(query, response, tcp);
        var asked = new DnsQuery();
        if (asked.Parse(query) == ParseOutcome.Query) _cache.Store(asked, response.AsSpan(0, length), tcp);
        return length;
    }

    async Task AcceptLoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket connection;
            try { connection = await _tcp.AcceptAsync(ct); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            if (!_tcpSlots.Wait(0)) { connection.Dispose(); continue; }
            _ = ServeTcpAsync(connection);
        }
    }

    async Task ServeTcpAsync(Socket connection)
    {
        var processor = new QueryProcessor(_chain);
        var request = ArrayPool<byte>.Shared.Rent(QueryProcessor.MaxTcpMessage);
        var answer = ArrayPool<byte>.Shared.Rent(QueryProcessor.MaxTcpMessage);
        var response = ArrayPool<byte>.Shared.Rent(QueryProcessor.MaxTcpMessage + 2);
        var prefix = new byte[2];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(TcpIdle); // a client that stops mid-message cannot hold the slot
                if (!await UpstreamForwarder.ReadExactly(connection, prefix, idle.Token)) return;
                int length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
                if (length == 0 || !await UpstreamForwarder.ReadExactly(connection, request.AsMemory(0, length), idle.Token)) return;
                Interlocked.Increment(ref _queries);
                var result = processor.Process(request.AsSpan(0, length), answer, tcp: true, out var n);
                if (result == ProcessResult.Drop)
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }
                if (result == ProcessResult.Forward)
                {
                    n = FromCache(processor, answer, tcp: true) is > 0 and var hit
                        ? hit
                        : await ForwardAsync(request.AsSpan(0, length).ToArray(), answer, tcp: true);
                }
                answer.AsSpan(0, n).CopyTo(response.AsSpan(2));
                BinaryPrimitives.WriteUInt16BigEndian(response, (ushort)n);
                await connection.SendAsync(response.AsMemory(0, n + 2), SocketFlags.None, idle.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            connection.Dispose();
            ArrayPool<byte>.Shared.Return(request);
            ArrayPool<byte>.Shared.Return(answer);
            ArrayPool<byte>.Shared.Return(response);
            _tcpSlots.Release();
        }
    }

    void Close()
    {
        foreach (var socket in _udp) socket.Dispose();
        _tcp?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Close();
        try { await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { }
        _stop.Dispose();
    }
}
