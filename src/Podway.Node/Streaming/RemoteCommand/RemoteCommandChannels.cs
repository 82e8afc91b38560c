using System.Text.Json.Nodes;

namespace Podway.Node.Streaming.RemoteCommand;

/// <summary>
/// The client's side of an exec/attach session, whatever the transport (WebSocket channels or SPDY streams):
/// its stdin, where stdout/stderr go, its terminal size changes, and the final status.
/// </summary>
internal abstract class RemoteCommandChannels : IAsyncDisposable
{
    /// <summary>Bytes the client types; ends at the client's stdin EOF. Null when stdin was not requested.</summary>
    public abstract Stream? Stdin { get; }
    public abstract Stream? Stdout { get; }
    public abstract Stream? Stderr { get; }
    /// <summary>Cancelled when the client goes away.</summary>
    public abstract CancellationToken ClientGone { get; }
    readonly object _resizeLock = new();
    Action<int, int>? _onResize;
    (int Width, int Height)? _earlySize;

    /// <summary>Called for each terminal size the client sends (width, height). kubectl sends the first size right
    /// after connecting, before the process exists: that one is kept and delivered when the handler is set.</summary>
    public Action<int, int>? OnResize
    {
        get => _onResize;
        set
        {
            (int Width, int Height)? early;
            lock (_resizeLock) { _onResize = value; early = _earlySize; _earlySize = null; }
            if (early is { } size) value?.Invoke(size.Width, size.Height);
        }
    }

    /// <summary>Ends stdout/stderr, sends the status, closes, and waits briefly for the client to close too
    /// (closing first could reset the connection under data the client has not read yet).</summary>
    public abstract Task FinishAsync(JsonObject status);

    public abstract ValueTask DisposeAsync();

    protected void Resize(string json)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject size && size["Width"]?.GetValue<int>() is { } w && size["Height"]?.GetValue<int>() is { } h)
            {
                Action<int, int>? handler;
                lock (_resizeLock) { handler = _onResize; if (handler == null) _earlySize = (w, h); }
                handler?.Invoke(w, h);
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException) { }
    }
}
