using System.Diagnostics;
using System.Net.Sockets;

namespace Podway.Edge.Forwarding.Http1;

/// <summary>
/// One keep-alive HTTP/1.1 connection to an upstream: the socket, the bytes received and not consumed yet, the send
/// buffer for request heads, and the state the pool's sweeper reads. The sweeper closes a connection that has waited
/// too long for the upstream, whose client went away, or that sat idle too long; a generation in the state keeps it
/// from closing a connection that has meanwhile moved on to another request.
/// </summary>
internal sealed class Http1Connection
{
    const int InitialBufferSize = 16 * 1024;
    const long Idle = 0, Busy = 1, Closed = 2, KindMask = 3;

    long _state = Busy; // generation << 2 | kind; a new connection belongs to the request that opened it
    long _deadline;     // Stopwatch timestamp by which bytes must arrive; 0 while not waiting
    long _sendDeadline; // Stopwatch timestamp by which the write in progress must be taken; 0 while not writing
    CancellationToken _clientAborted;
    volatile Http1AbortReason _abortReason;

    public Http1Connection(Socket socket, Http1ConnectionPool.EndpointConnections home)
    {
        Socket = socket;
        Home = home;
    }

    public Socket Socket { get; }
    public Http1ConnectionPool.EndpointConnections Home { get; }
    public long CreatedAt { get; } = Stopwatch.GetTimestamp();
    public long IdleSince { get; private set; }

    /// <summary>Requests finished on this connection; more than zero means a reused one (which may have been closed
    /// by the upstream while idle).</summary>
    public int Completed { get; private set; }

    /// <summary>Received bytes; [<see cref="Start"/>, <see cref="End"/>) is not consumed yet.</summary>
    public byte[] Buffer { get; private set; } = new byte[InitialBufferSize];
    public int Start;
    public int End;

    public byte[] SendBuffer = new byte[1024];
    public readonly Http1ResponseHead Head = new();

    /// <summary>Why the sweeper closed this connection under a request, if it did.</summary>
    public Http1AbortReason AbortReason => _abortReason;

    /// <summary>Takes an idle connection for a request; false when the sweeper closed it first.</summary>
    public bool TryTake()
    {
        var state = Volatile.Read(ref _state);
        return (state & KindMask) == Idle && Interlocked.CompareExchange(ref _state, state + 4 - Idle + Busy, state) == state;
    }

    /// <summary>Starts a request: the sweeper closes the connection if <paramref name="clientAborted"/> fires.</summary>
    public void Begin(CancellationToken clientAborted)
    {
        _clientAborted = clientAborted;
        _abortReason = Http1AbortReason.None;
    }

    /// <summary>How long the current request may wait for upstream bytes (proxy-read-timeout), in Stopwatch ticks.</summary>
    public long ReadTimeoutTicks;

    /// <summary>How long one write of the request may wait for the upstream to take it (proxy-send-timeout), in
    /// Stopwatch ticks; 0: no limit.</summary>
    public long SendTimeoutTicks;

    /// <summary>The write in progress must complete within <paramref name="ticks"/> from now; 0: no write pending.</summary>
    public void SendingWithin(long ticks) => Volatile.Write(ref _sendDeadline, ticks == 0 ? 0 : Stopwatch.GetTimestamp() + ticks);

    /// <summary>Bytes must arrive within <paramref name="ticks"/> (Stopwatch ticks) from now.</summary>
    public void ExpectBytesWithin(long ticks) => Volatile.Write(ref _deadline, Stopwatch.GetTimestamp() + ticks);

    /// <summary>Ends a request with the connection ready for the next one; false when it was closed meanwhile.</summary>
    public bool TryMakeIdle()
    {
        Volatile.Write(ref _deadline, 0);
        Volatile.Write(ref _sendDeadline, 0);
        _clientAborted = default;
        var state = Volatile.Read(ref _state);
        if ((state & KindMask) != Busy) return false;
        Completed++;
        IdleSince = Stopwatch.GetTimestamp();
        Start = End = 0;
        return Interlocked.CompareExchange(ref _state, state - Busy + Idle, state) == state;
    }

    /// <summary>Closes the connection (idempotent). Returns true for the call that closed it.</summary>
    public bool Close()
    {
        var state = Interlocked.Exchange(ref _state, (Volatile.Read(ref _state) & ~KindMask) | Closed);
        if ((state & KindMask) == Closed) return false;
        Socket.Dispose();
        return true;
    }

    /// <summary>Closes the connection under a request, for a reason the request's forwarder will see.</summary>
    public void Abort(Http1AbortReason reason)
    {
        _abortReason = reason;
        Close();
    }

    public bool IsClosed => (Volatile.Read(ref _state) & KindMask) == Closed;

    /// <summary>The sweeper's check: closes a busy connection past its deadline or whose client went away, and an
    /// idle one idle longer than <paramref name="idleTicks"/>. Returns true when the connection is closed.</summary>
    public bool Sweep(long now, long idleTicks)
    {
        var state = Volatile.Read(ref _state);
        switch (state & KindMask)
        {
            case Closed:
                return true;
            case Idle:
                if (now - IdleSince < idleTicks) return false;
                if (Interlocked.CompareExchange(ref _state, (state & ~KindMask) | Closed, state) != state) return false;
                Socket.Dispose();
                return true;
            default:
                var deadline = Volatile.Read(ref _deadline);
                var sendDeadline = Volatile.Read(ref _sendDeadline);
                var reason = deadline != 0 && now > deadline || sendDeadline != 0 && now > sendDeadline ? Http1AbortReason.TimedOut
                    : _clientAborted.IsCancellationRequested ? Http1AbortReason.ClientGone
                    : Http1AbortReason.None;
                if (reason == Http1AbortReason.None) return false;
                _abortReason = reason;
                // The generation in the state makes this a no-op if the request ended meanwhile.
                if (Interlocked.CompareExchange(ref _state, (state & ~KindMask) | Closed, state) != state) return false;
                Socket.Dispose();
                return true;
        }
    }

    /// <summary>Moves unconsumed bytes to the front, and grows the buffer (up to <paramref name="limit"/>) when it is
    /// full of them. False when the buffer is full at the limit.</summary>
    public bool MakeRoom(int limit)
    {
        if (Start > 0)
        {
            Buffer.AsSpan(Start, End - Start).CopyTo(Buffer);
            End -= Start;
            Start = 0;
        }
        if (End < Buffer.Length) return true;
        if (Buffer.Length >= limit) return false;
        var grown = new byte[Math.Min(limit, Buffer.Length * 2)];
        Buffer.AsSpan(0, End).CopyTo(grown);
        Buffer = grown;
        return true;
    }
}

/// <summary>Why a busy connection was closed under its request; BadRequestBody: the client's own body was malformed;
/// BodyTooLarge: it outgrew the route's proxy-body-size.</summary>
internal enum Http1AbortReason : byte { None, TimedOut, ClientGone, BadRequestBody, BodyTooLarge }
