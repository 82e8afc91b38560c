using System.Runtime.InteropServices;

namespace Podway.Images.Common;

/// <summary>Turns SIGTERM/SIGINT into a task, so a program can shut down gracefully instead of being killed.</summary>
internal sealed class Termination : IDisposable
{
    readonly TaskCompletionSource<PosixSignal> signaled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly PosixSignalRegistration[] registrations;
    readonly CancellationTokenSource cts = new();

    public Termination()
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        ];
    }

    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (signaled.TrySetResult(context.Signal))
            cts.Cancel();
    }

    /// <summary>Completes with the first termination signal received.</summary>
    public Task<PosixSignal> Signaled => signaled.Task;

    public CancellationToken Token => cts.Token;

    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
    }
}
