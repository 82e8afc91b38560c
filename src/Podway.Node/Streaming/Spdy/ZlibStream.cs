using System.Runtime.InteropServices;

namespace Podway.Node.Streaming.Spdy;

/// <summary>
/// One direction of SPDY/3 header compression: a single zlib stream that lives as long as the connection, primed
/// with the SPDY dictionary and flushed with Z_SYNC_FLUSH after every header block. System.IO.Compression has no
/// preset dictionaries, so this calls the machine's libz directly.
/// </summary>
internal sealed class ZlibStream : IDisposable
{
    // z_stream on LP64 Linux: pointers and uLong are 8 bytes, uInt and int 4 (padded to 8).
    const int StreamSize = 112, NextIn = 0, AvailIn = 8, NextOut = 24, AvailOut = 32, Msg = 48;
    const int ZOk = 0, ZStreamEnd = 1, ZNeedDict = 2, ZBufError = -5, ZSyncFlush = 2;
    const string Lib = "libz.so.1";

    [DllImport(Lib)] static extern IntPtr zlibVersion();
    [DllImport(Lib)] static extern int deflateInit2_(IntPtr strm, int level, int method, int windowBits, int memLevel, int strategy, IntPtr version, int streamSize);
    [DllImport(Lib)] static extern int deflateSetDictionary(IntPtr strm, byte[] dictionary, uint length);
    [DllImport(Lib)] static extern int deflate(IntPtr strm, int flush);
    [DllImport(Lib)] static extern int deflateEnd(IntPtr strm);
    [DllImport(Lib)] static extern int inflateInit_(IntPtr strm, IntPtr version, int streamSize);
    [DllImport(Lib)] static extern int inflateSetDictionary(IntPtr strm, byte[] dictionary, uint length);
    [DllImport(Lib)] static extern int inflate(IntPtr strm, int flush);
    [DllImport(Lib)] static extern int inflateEnd(IntPtr strm);

    static readonly byte[] Dictionary = SpdyDictionary.Bytes.ToArray();

    readonly IntPtr _stream;
    readonly bool _compress;
    bool _disposed;

    ZlibStream(bool compress)
    {
        _compress = compress;
        // zlib keeps a pointer back to the z_stream, so it lives in unmanaged memory that never moves.
        _stream = Marshal.AllocHGlobal(StreamSize);
        for (var i = 0; i < StreamSize; i += 8) Marshal.WriteInt64(_stream, i, 0);
        var rc = compress
            ? deflateInit2_(_stream, 9, 8, 15, 8, 0, zlibVersion(), StreamSize)
            : inflateInit_(_stream, zlibVersion(), StreamSize);
        if (rc != ZOk) { Marshal.FreeHGlobal(_stream); throw new InvalidOperationException($"zlib init failed: {rc}"); }
        if (compress) Check(deflateSetDictionary(_stream, Dictionary, (uint)Dictionary.Length), "deflateSetDictionary");
    }

    public static ZlibStream Compressor() => new(compress: true);
    public static ZlibStream Decompressor() => new(compress: false);

    /// <summary>Compresses one header block and sync-flushes, so the peer can decode it without what follows.</summary>
    public byte[] Compress(ReadOnlySpan<byte> input)
    {
        if (!_compress) throw new InvalidOperationException("not a compressor");
        return Run(input, (s) => deflate(s, ZSyncFlush));
    }

    /// <summary>Decompresses one header block (everything the peer's sync flush produced).</summary>
    public byte[] Decompress(ReadOnlySpan<byte> input)
    {
        if (_compress) throw new InvalidOperationException("not a decompressor");
        return Run(input, s =>
        {
            var rc = inflate(s, ZSyncFlush);
            if (rc == ZNeedDict)
            {
                Check(inflateSetDictionary(s, Dictionary, (uint)Dictionary.Length), "inflateSetDictionary");
                rc = inflate(s, ZSyncFlush);
            }
            return rc;
        });
    }

    byte[] Run(ReadOnlySpan<byte> input, Func<IntPtr, int> step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var inputArray = input.ToArray();
        var inHandle = GCHandle.Alloc(inputArray, GCHandleType.Pinned);
        var output = new MemoryStream();
        var chunk = new byte[Math.Max(256, input.Length * 4)];
        var outHandle = GCHandle.Alloc(chunk, GCHandleType.Pinned);
        try
        {
            Marshal.WriteIntPtr(_stream, NextIn, inHandle.AddrOfPinnedObject());
            Marshal.WriteInt32(_stream, AvailIn, inputArray.Length);
            while (true)
            {
                Marshal.WriteIntPtr(_stream, NextOut, outHandle.AddrOfPinnedObject());
                Marshal.WriteInt32(_stream, AvailOut, chunk.Length);
                var rc = step(_stream);
                if (rc is not (ZOk or ZStreamEnd or ZBufError)) Check(rc, _compress ? "deflate" : "inflate");
                var produced = chunk.Length - Marshal.ReadInt32(_stream, AvailOut);
                output.Write(chunk, 0, produced);
                // Done when all input is consumed and the last call did not fill the output buffer.
                if (Marshal.ReadInt32(_stream, AvailIn) == 0 && produced < chunk.Length) break;
                if (rc == ZBufError && produced == 0) throw new InvalidDataException("zlib made no progress");
            }
        }
        finally
        {
            Marshal.WriteIntPtr(_stream, NextIn, IntPtr.Zero);
            Marshal.WriteIntPtr(_stream, NextOut, IntPtr.Zero);
            inHandle.Free();
            outHandle.Free();
        }
        return output.ToArray();
    }

    void Check(int rc, string what)
    {
        if (rc == ZOk) return;
        var msg = Marshal.ReadIntPtr(_stream, Msg);
        throw new InvalidDataException($"{what} failed ({rc}){(msg == IntPtr.Zero ? "" : ": " + Marshal.PtrToStringAnsi(msg))}");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_compress) deflateEnd(_stream); else inflateEnd(_stream);
        Marshal.FreeHGlobal(_stream);
    }
}
