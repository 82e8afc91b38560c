namespace Podway.Storage;

/// <summary>Tuning for <see cref="SqliteObjectStore"/>. The defaults suit one API server on one machine.</summary>
public sealed record StoreOptions
{
    public static StoreOptions Default { get; } = new();

    /// <summary>How long a statement waits for a SQLite lock held by another connection before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most writes committed together in one SQLite transaction (group commit).</summary>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary>
    /// Watch history keeps at least this many recent events, and also every event younger than
    /// <see cref="HistoryMinAge"/>, whichever is more, so a list's revision stays watchable.
    /// </summary>
    public int HistoryMinEvents { get; init; } = 100_000;

    public TimeSpan HistoryMinAge { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Hard cap on watch history regardless of age, so a write storm cannot exhaust memory.</summary>
    public int HistoryMaxEvents { get; init; } = 1_000_000;

    /// <summary>Live events buffered per watcher; a watcher that falls further behind is ended with WatchOverflowException.</summary>
    public int WatchBufferSize { get; init; } = 10_000;

    /// <summary>Clock for history ageing (tests may substitute one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
