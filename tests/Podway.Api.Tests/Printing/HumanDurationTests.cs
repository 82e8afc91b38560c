using Podway.Api.Printing;

namespace Podway.Api.Tests.Printing;

/// <summary>The rows of apimachinery's own duration_test.go (TestHumanDuration and TestHumanDurationBoundaries).</summary>
public sealed class HumanDurationTests
{
    const long Ms = TimeSpan.TicksPerMillisecond, S = TimeSpan.TicksPerSecond, M = TimeSpan.TicksPerMinute, H = TimeSpan.TicksPerHour, D = TimeSpan.TicksPerDay;

    [Theory]
    [InlineData(S, "1s")]
    [InlineData(70 * S, "70s")]
    [InlineData(190 * S, "3m10s")]
    [InlineData(70 * M, "70m")]
    [InlineData(47 * H, "47h")]
    [InlineData(49 * H, "2d1h")]
    [InlineData((8 * 24 + 2) * H, "8d")]
    [InlineData(367 * 24 * H, "367d")]
    [InlineData((365 * 2 * 24 + 25) * H, "2y1d")]
    [InlineData((365 * 8 * 24 + 2) * H, "8y")]
    [InlineData(-2 * S, "<invalid>")]
    [InlineData(-2 * S + 1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(S - Ms, "0s")]
    [InlineData(2 * M - Ms, "119s")]
    [InlineData(2 * M, "2m")]
    [InlineData(2 * M + S, "2m1s")]
    [InlineData(10 * M - Ms, "9m59s")]
    [InlineData(10 * M, "10m")]
    [InlineData(10 * M + S, "10m")]
    [InlineData(3 * H - Ms, "179m")]
    [InlineData(3 * H, "3h")]
    [InlineData(3 * H + M, "3h1m")]
    [InlineData(8 * H - Ms, "7h59m")]
    [InlineData(8 * H, "8h")]
    [InlineData(8 * H + 59 * M, "8h")]
    [InlineData(2 * D - Ms, "47h")]
    [InlineData(2 * D, "2d")]
    [InlineData(2 * D + H, "2d1h")]
    [InlineData(8 * D - Ms, "7d23h")]
    [InlineData(8 * D, "8d")]
    [InlineData(8 * D + 23 * H, "8d")]
    [InlineData(2 * 365 * D - Ms, "729d")]
    [InlineData(2 * 365 * D, "2y")]
    [InlineData(2 * 365 * D + 23 * H, "2y")]
    [InlineData(2 * 365 * D + 23 * H + 59 * M, "2y")]
    [InlineData(2 * 365 * D + D - Ms, "2y")]
    [InlineData(2 * 365 * D + D, "2y1d")]
    [InlineData(3 * 365 * D, "3y")]
    [InlineData(7 * 365 * D, "7y")]
    [InlineData(8 * 365 * D - Ms, "7y364d")]
    [InlineData(8 * 365 * D, "8y")]
    [InlineData(8 * 365 * D + 364 * D, "8y")]
    [InlineData(9 * 365 * D, "9y")]
    public void Format_ApimachineryTable_MatchesGo(long ticks, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Since_NoTimestamp_IsUnknown() => Assert.Equal("<unknown>", HumanDuration.Since(null, DateTimeOffset.UnixEpoch));
}
