using Podway.Storage.Watch;

namespace Podway.Storage.Tests;

public sealed class EventHistoryTests
{
    private static WatchEvent Event(long revision, string ns = "default") =>
        new(WatchEventType.Added, new StoredObject("pods", ns, $"p{revision}", revision, []), null);

    [Theory]
    [InlineData(1500, 5000, 3500)]
    [InlineData(1024, 1024, 0)]
    [InlineData(20, 3000, 2980)]
    public void Append_BeyondMinimum_KeepsNewestAndRaisesFloor(int minEvents, int appended, long expectedFloor)
    {
        var history = new EventHistory(minEvents, TimeSpan.Zero, int.MaxValue, TimeProvider.System, 0);
        for (long r = 1; r <= appended; r++) history.Append(Event(r));

        Assert.Equal(expectedFloor, history.Floor);
        Assert.Equal(appended - expectedFloor, history.Count);
        var tail = history.Since(appended - 10, _ => true);
        Assert.Equal(Enumerable.Range(appended - 9, 10).Select(r => (long)r), tail.Select(e => e.Object.Revision));
    }

    [Fact]
    public void Append_OverHardCap_DropsEvenYoungEvents()
    {
        var history = new EventHistory(10, TimeSpan.FromHours(1), 100, TimeProvider.System, 0);
        for (long r = 1; r <= 250; r++) history.Append(Event(r));
        Assert.Equal(100, history.Count);
        Assert.Equal(150, history.Floor);
    }

    [Fact]
    public void Since_WrappedRing_ReturnsMatchingEventsInOrder()
    {
        var history = new EventHistory(1500, TimeSpan.Zero, int.MaxValue, TimeProvider.System, 0);
        for (long r = 1; r <= 4000; r++) history.Append(Event(r, r % 2 == 0 ? "even" : "odd"));

        var evens = history.Since(2600, e => e.Object.Namespace == "even");
        Assert.Equal(Enumerable.Range(1301, 700).Select(i => (long)i * 2), evens.Select(e => e.Object.Revision));
    }
}
