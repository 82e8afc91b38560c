namespace Podway.Node.Streaming.Spdy;

/// <summary>SPDY/3.1 frames (draft-mbelshe-httpbis-spdy-00 plus 3.1's WINDOW_UPDATE), as spdystream speaks them.</summary>
internal abstract record SpdyFrame
{
    public const byte FlagFin = 0x01, FlagUnidirectional = 0x02;
}

/// <summary>Header names are lowercase on the wire; values of repeated names are joined with NUL.</summary>
internal sealed record SpdyHeaders(IReadOnlyList<KeyValuePair<string, string>> Pairs)
{
    public static readonly SpdyHeaders Empty = new([]);

    public string? this[string name] =>
        Pairs.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static SpdyHeaders Of(params (string Name, string Value)[] pairs) =>
        new(pairs.Select(p => KeyValuePair.Create(p.Name.ToLowerInvariant(), p.Value)).ToList());

    public override string ToString() => string.Join(", ", Pairs.Select(p => $"{p.Key}={p.Value}"));
}

internal sealed record DataFrame(uint StreamId, bool Fin, byte[] Data) : SpdyFrame;
internal sealed record SynStreamFrame(uint StreamId, uint AssociatedStreamId, byte Priority, bool Fin, bool Unidirectional, SpdyHeaders Headers) : SpdyFrame;
internal sealed record SynReplyFrame(uint StreamId, bool Fin, SpdyHeaders Headers) : SpdyFrame;
internal sealed record RstStreamFrame(uint StreamId, RstStatus Status) : SpdyFrame;
internal sealed record SettingsFrame(bool ClearSettings, IReadOnlyList<(byte Flags, uint Id, uint Value)> Entries) : SpdyFrame;
internal sealed record PingFrame(uint Id) : SpdyFrame;
internal sealed record GoAwayFrame(uint LastGoodStreamId, uint Status) : SpdyFrame;
internal sealed record HeadersFrame(uint StreamId, bool Fin, SpdyHeaders Headers) : SpdyFrame;
internal sealed record WindowUpdateFrame(uint StreamId, uint DeltaWindowSize) : SpdyFrame;

internal enum SpdyControlType : ushort
{
    SynStream = 1, SynReply = 2, RstStream = 3, Settings = 4, Ping = 6, GoAway = 7, Headers = 8, WindowUpdate = 9,
}

internal enum RstStatus : uint
{
    ProtocolError = 1, InvalidStream = 2, RefusedStream = 3, UnsupportedVersion = 4, Cancel = 5, InternalError = 6,
    FlowControlError = 7, StreamInUse = 8, StreamAlreadyClosed = 9, FrameTooLarge = 11,
}
