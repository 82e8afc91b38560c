using System.Net;
using Podway.Controllers.LoadBalancer;

namespace Podway.Controllers.Tests.LoadBalancer;

public sealed class AddressPoolTests
{
    [Theory]
    [InlineData("10.250.3.128/25", "10.250.3.129", "10.250.3.254", 126)]
    [InlineData("198.51.100.0/29", "198.51.100.1", "198.51.100.6", 6)]
    [InlineData("198.51.100.8/31", "198.51.100.8", "198.51.100.9", 2)]
    [InlineData("198.51.100.9/32", "198.51.100.9", "198.51.100.9", 1)]
    public void Pool_HandsOutAllButNetworkAndBroadcast_LowestFirst(string cidr, string first, string last, int size)
    {
        var pool = new AddressPool(cidr);
        Assert.Equal(size, pool.Size);
        var given = Enumerable.Range(0, size).Select(i => pool.Allocate($"ns/s{i}", null).ToString()).ToList();
        Assert.Equal(first, given[0]);
        Assert.Equal(last, given[^1]);
        Assert.Equal(size, given.Distinct().Count());
        Assert.Throws<AddressPoolException>(() => pool.Allocate("ns/one-too-many", null));
    }

    [Theory]
    [InlineData("10.250.3.128", false)]
    [InlineData("10.250.3.255", false)]
    [InlineData("10.250.3.129", true)]
    [InlineData("10.250.3.10", false)]
    [InlineData("fd00::1", false)]
    public void Contains_OnlyAddressesItHandsOut(string ip, bool expected) =>
        Assert.Equal(expected, new AddressPool("10.250.3.128/25").Contains(IPAddress.Parse(ip)));

    [Fact]
    public void Allocate_SameOwnerTwice_KeepsItsAddress()
    {
        var pool = new AddressPool("198.51.100.0/29");
        Assert.Equal(pool.Allocate("ns/a", null), pool.Allocate("ns/a", null));
        Assert.Equal(1, pool.Allocated);
    }

    [Fact]
    public void Allocate_NewRequest_MovesOwnerAndFreesOldAddress()
    {
        var pool = new AddressPool("198.51.100.0/29");
        Assert.Equal(IPAddress.Parse("198.51.100.1"), pool.Allocate("ns/a", null));
        Assert.Equal(IPAddress.Parse("198.51.100.4"), pool.Allocate("ns/a", IPAddress.Parse("198.51.100.4")));
        Assert.Null(pool.OwnerOf(IPAddress.Parse("198.51.100.1")));
        Assert.Equal(IPAddress.Parse("198.51.100.1"), pool.Allocate("ns/b", null));
    }

    [Fact]
    public void Allocate_UnattainableRequest_KeepsWhatOwnerHeld()
    {
        var pool = new AddressPool("198.51.100.0/29");
        pool.Allocate("ns/a", null);
        pool.Allocate("ns/b", null);
        Assert.Throws<AddressPoolException>(() => pool.Allocate("ns/b", IPAddress.Parse("198.51.100.1")));
        Assert.Equal(IPAddress.Parse("198.51.100.2"), pool.HeldBy("ns/b"));
    }

    [Fact]
    public void TryClaim_TakenOrOutsidePool_IsRefused()
    {
        var pool = new AddressPool("198.51.100.0/29");
        Assert.True(pool.TryClaim("ns/a", IPAddress.Parse("198.51.100.3")));
        Assert.False(pool.TryClaim("ns/b", IPAddress.Parse("198.51.100.3")));
        Assert.False(pool.TryClaim("ns/b", IPAddress.Parse("203.0.113.1")));
        Assert.True(pool.Release("ns/a"));
        Assert.True(pool.TryClaim("ns/b", IPAddress.Parse("198.51.100.3")));
    }

    [Theory]
    [InlineData("not-a-cidr")]
    [InlineData("fd00::/120")]
    public void New_NotAnIPv4Cidr_Throws(string cidr) => Assert.Throws<ArgumentException>(() => new AddressPool(cidr));
}
