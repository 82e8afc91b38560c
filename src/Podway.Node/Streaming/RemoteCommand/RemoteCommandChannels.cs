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
    /// <summary>Called for each terminal size the client sends (width, height).</summary>
    public Action<int, int>? OnResize { get; set; }

    /// <summary>Ends stdout/stderr, sends the status, closes, and waits briefly for the client to close too
    /// (closing first could reset the connection under data the client has not read yet).</summary>
    public abstract Task FinishAsync(JsonObject status);

    public abstract ValueTask DisposeAsync();

    protected void Resize(string json)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject size && size["Width"]?.GetValue<int>() is { } w && size["Height"]?.GetValue<int>() is { } h)
                OnResize?.Invoke(w, h);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException) { }
    }
}
