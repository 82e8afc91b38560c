namespace Podway.Node.Streaming.RemoteCommand;

/// <summary>Connects a process session to the client's channels and reports how it ended.</summary>
internal static class RemoteCommandRunner
{
    /// <summary>How long output may keep flowing after the process exited (a grandchild can hold the pipe open).</summary>
    static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <param name="reportExitCode">exec reports non-zero exits; attach always ends in Success, as with CRI attach.</param>
    public static async Task RunAsync(IProcessSession session, RemoteCommandChannels client, RemoteCommandOptions options, bool reportExitCode)
    {
        client.OnResize = (w, h) => { try { session.Resize(w, h); } catch (Exception e) when (e is IOException or InvalidOperationException) { } };
        var stdout = Pump(session.Stdout, client.Stdout);
        var stderr = session.Stderr is { } err ? Pump(err, client.Stderr) : Task.CompletedTask;
        if (client.Stdin is { } input && session.Stdin is { } processStdin) _ = FeedStdinAsync(input, processStdin, client.ClientGone);

        var exited = session.Exited;
        var gone = Task.Delay(Timeout.Infinite, client.ClientGone);
        if (await Task.WhenAny(exited, gone) == gone) return; // the client left; the caller disposes the session
        var code = await exited;
        try { await Task.WhenAll(stdout, stderr).WaitAsync(DrainTimeout, client.ClientGone); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        await client.FinishAsync(code == 0 || !reportExitCode ? RemoteCommandStatus.Success() : RemoteCommandStatus.NonZeroExit(options.Command, code));
    }

    static async Task Pump(Stream from, Stream? to)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0)
            {
                if (to == null) continue; // not requested: drained so the process never blocks on a full pipe
                await to.WriteAsync(buffer.AsMemory(0, read));
                await to.FlushAsync();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or System.Net.WebSockets.WebSocketException) { }
    }

    static async Task FeedStdinAsync(Stream from, Stream to, CancellationToken ct)
    {
        try
        {
            var buffer = new byte[32 * 1024];
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
                await to.FlushAsync(ct);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { }
        finally
        {
            // The client's stdin EOF becomes the process's stdin EOF.
            try { to.Close(); } catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        }
    }
}
