using System.Buffers;

namespace Podway.Edge.Forwarding.Http1;

/// <summary>
/// Incremental decoder of a chunked body (RFC 9112 7.1): fed whatever bytes arrived, it consumes framing and hands out
/// one run of body data at a time, so the data is copied straight to the client. Chunk extensions are ignored; the
/// trailer section is kept as raw bytes for the caller to parse once the body is <see cref="Done"/>.
/// </summary>
internal struct ChunkedDecoder
{
    const int MaxLineLength = 4096;
    const int MaxTrailerLength = 16 * 1024;

    enum State : byte { Size, Extension, SizeLf, Data, DataCr, DataLf, Trailer, Done }

    State _state;
    long _remaining;       // of the current chunk's data
    int _sizeDigits;
    int _lineLength;       // of the size line or trailer section so far, against runaway input
    ArrayBufferWriter<byte>? _trailers;

    public readonly bool Done => _state == State.Done;

    /// <summary>The trailer section's bytes (fields, each ending in CRLF), empty when there were none.</summary>
    public readonly ReadOnlySpan<byte> Trailers => _trailers is null ? default : _trailers.WrittenSpan;

    /// <summary>
    /// Decodes from <paramref name="input"/>: returns Done when the body ended (the final chunk and trailers were
    /// consumed), NeedMoreData when more input is needed, InvalidData on a framing error. <paramref name="data"/> is
    /// the body data found (possibly empty) as a range of <paramref name="input"/>; <paramref name="consumed"/> is how
    /// much of <paramref name="input"/> was used. Call again with the rest while it returns NeedMoreData with
    /// consumed &lt; input length.
    /// </summary>
    public OperationStatus Decode(ReadOnlySpan<byte> input, out int consumed, out Range data)
    {
        data = default;
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Size:
                    var digit = HexValue(b);
                    if (digit >= 0)
                    {
                        if (++_sizeDigits > 15) return Invalid(i, out consumed);
                        _remaining = _remaining * 16 + digit;
                        i++;
                        continue;
                    }
                    if (_sizeDigits == 0) return Invalid(i, out consumed);
                    if (b == '\r') _state = State.SizeLf;
                    else if (b == '\n') _state = EndOfSizeLine();
                    else if (b is (byte)';' or (byte)' ' or (byte)'\t') _state = State.Extension;
                    else return Invalid(i, out consumed);
                    i++;
                    continue;
                case State.Extension:
                    if (++_lineLength > MaxLineLength) return Invalid(i, out consumed);
                    if (b == '\r') _state = State.SizeLf;
                    else if (b == '\n') _state = EndOfSizeLine();
                    i++;
                    continue;
                case State.SizeLf:
                    if (b != '\n') return Invalid(i, out consumed);
                    _state = EndOfSizeLine();
                    i++;
                    continue;
                case State.Data:
                    var take = (int)Math.Min(_remaining, input.Length - i);
                    data = new Range(i, i + take);
                    _remaining -= take;
                    if (_remaining == 0) _state = State.DataCr;
                    consumed = i + take;
                    return OperationStatus.NeedMoreData;
                case State.DataCr:
                    if (b == '\n') { _state = State.Size; i++; continue; } // bare LF tolerated
                    if (b != '\r') return Invalid(i, out consumed);
                    _state = State.DataLf;
                    i++;
                    continue;
                case State.DataLf:
                    if (b != '\n') return Invalid(i, out consumed);
                    _state = State.Size;
                    i++;
                    continue;
                case State.Trailer:
                    _trailers ??= new ArrayBufferWriter<byte>(256);
                    if (_trailers.WrittenCount + 1 > MaxTrailerLength) return Invalid(i, out consumed);
                    _trailers.Write([b]);
                    i++;
                    if (b == '\n' && EndsWithEmptyLine(_trailers.WrittenSpan))
                    {
                        _state = State.Done;
                        consumed = i;
                        return OperationStatus.Done;
                    }
                    continue;
                case State.Done:
                    consumed = i;
                    return OperationStatus.Done;
            }
        }
        consumed = i;
        return _state == State.Done ? OperationStatus.Done : OperationStatus.NeedMoreData;
    }

    /// <summary>After "size[;ext]CRLF": data follows, or for the last chunk (size 0) the trailer section.</summary>
    State EndOfSizeLine()
    {
        _sizeDigits = 0;
        _lineLength = 0;
        if (_remaining > 0) return State.Data;
        return State.Trailer;
    }

    /// <summary>The trailer section ends with an empty line; with no trailers that is the line right after "0".</summary>
    static bool EndsWithEmptyLine(ReadOnlySpan<byte> section) =>
        section.Length == 1 || section is [.., (byte)'\n', (byte)'\n'] || section is [(byte)'\r', (byte)'\n']
        || section is [.., (byte)'\n', (byte)'\r', (byte)'\n'];

    OperationStatus Invalid(int at, out int consumed)
    {
        consumed = at;
        return OperationStatus.InvalidData;
    }

    static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
