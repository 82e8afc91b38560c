using Podway.Edge.Forwarding;
using Podway.Edge.Routing;

namespace Podway.Edge.Tests.Forwarding;

public class EndpointPickerTests
{
    static readonly Upstream[] Three =
    [
        new("10.244.0.5", 80, true, true, false),
        new("10.244.0.6", 80, true, true, false),
        new("10.244.0.7", 80, true, true, false),
    ];

    [Fact]
    public void Pick_TwoEndpointsOneBusy_AlwaysTheIdleOne()
    {
        var picker = new EndpointPicker();
        picker.CounterFor(Three[0]).Value = 5;

        var picks = Enumerable.Range(0, 200).Select(_ => picker.Pick(Three[..2], [])).Distinct().ToList();

        Assert.Equal([1], picks);
    }

    [Fact]
    public void Pick_AllIdle_SpreadsOverEveryEndpoint()
    {
        var picker = new EndpointPicker();

        var picks = Enumerable.Range(0, 300).Select(_ => picker.Pick(Three, [])).ToHashSet();

        Assert.Equal([0, 1, 2], picks.Order());
    }

    [Fact]
    public void Pick_SomeTried_NeverPicksThem()
    {
        var picker = new EndpointPicker();

        var picks = Enumerable.Range(0, 100).Select(_ => picker.Pick(Three, [0, 2])).Distinct().ToList();

        Assert.Equal([1], picks);
    }

    [Fact]
    public void Pick_OneOfThreeBusy_NeverPicksTheBusyOneWhenTwoAreDrawn()
    {
        var picker = new EndpointPicker();
        picker.CounterFor(Three[2]).Value = 9;

        // Two distinct draws out of three always include an idle endpoint, which wins.
        var picks = Enumerable.Range(0, 300).Select(_ => picker.Pick(Three, [])).ToHashSet();

        Assert.Equal([0, 1], picks.Order());
    }
}
