using System.Buffers.Binary;
using System.Net;

namespace Podway.Node.Network.Netlink;

/// <summary>The rtnetlink requests a Pod's network needs, each what the `ip` or `bridge` command beside it sends.</summary>
internal sealed partial class RouteNetlink
{
    const ushort RtmNewLink = 16, RtmDelLink = 17, RtmGetLink = 18, RtmSetLink = 19, RtmNewAddr = 20, RtmNewRoute = 24;
    const ushort IflaAddress = 1, IflaIfName = 3, IflaMaster = 10, IflaTxQLen = 13, IflaProtInfo = 12, IflaLinkInfo = 18, IflaNetNsFd = 28;
    const ushort IflaInfoKind = 1, IflaInfoData = 2, VethInfoPeer = 1, IflaBrportMode = 4;
    const ushort IfaAddress = 1, IfaLocal = 2, IfaBroadcast = 4, RtaDst = 1, RtaOif = 4, RtaGateway = 5;
    const byte AfUnspec = 0, AfInet = 2, AfBridge = 7, RtprotBoot = 3, RtScopeUniverse = 0;
    const uint IffUp = 1;

    /// <summary>`ip link show NAME`: its index and MAC address, or null when there is no such link.</summary>
    public (int Index, string Mac)? Link(string name)
    {
        byte[] reply;
        try { reply = Query(new NetlinkMessage(RtmGetLink, 0).IfInfo(AfUnspec, 0).Attr(IflaIfName, name)); }
        catch (NetlinkException e) when (e.Errno == NetlinkException.ENoDev) { return null; }
        var index = BinaryPrimitives.ReadInt32LittleEndian(reply.AsSpan(20));
        var mac = "";
        for (var offset = 32; offset + 4 <= reply.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(reply.AsSpan(offset));
            if (length < 4) break;
            if (BinaryPrimitives.ReadUInt16LittleEndian(reply.AsSpan(offset + 2)) == IflaAddress)
                mac = string.Join(':', reply.AsSpan(offset + 4, length - 4).ToArray().Select(b => b.ToString("x2")));
            offset += (length + 3) & ~3;
        }
        return (index, mac);
    }

    /// <summary>`ip link add NAME type bridge`; false when it already exists.</summary>
    public bool CreateBridge(string name)
    {
        var m = new NetlinkMessage(RtmNewLink, NetlinkMessage.NlmFCreate | NetlinkMessage.NlmFExcl).IfInfo(AfUnspec, 0).Attr(IflaIfName, name);
        var linkInfo = m.Begin(IflaLinkInfo);
        m.Attr(IflaInfoKind, "bridge").End(linkInfo);
        try { Change(m); return true; }
        catch (NetlinkException e) when (e.Errno == NetlinkException.EExist) { return false; }
    }

    /// <summary>
    /// `ip link add NAME txqueuelen 0 type veth peer name PEER txqueuelen 0 netns NS`: the peer is made directly in the
    /// other namespace; no transmit queue on either end, as the CNI plugins make theirs.
    /// </summary>
    public void CreateVeth(string name, string peerName, int peerNetnsFd)
    {
        var m = new NetlinkMessage(RtmNewLink, NetlinkMessage.NlmFCreate | NetlinkMessage.NlmFExcl).IfInfo(AfUnspec, 0)
            .Attr(IflaIfName, name).Attr(IflaTxQLen, 0u);
        var linkInfo = m.Begin(IflaLinkInfo);
        m.Attr(IflaInfoKind, "veth");
        var data = m.Begin(IflaInfoData);
        var peer = m.Begin(VethInfoPeer);
        m.IfInfo(AfUnspec, 0).Attr(IflaIfName, peerName).Attr(IflaTxQLen, 0u).Attr(IflaNetNsFd, (uint)peerNetnsFd);
        m.End(peer).End(data).End(linkInfo);
        Change(m);
    }

    /// <summary>`ip link set INDEX [master MASTER] up`.</summary>
    public void SetUp(int index, int? master = null)
    {
        var m = new NetlinkMessage(RtmNewLink, 0).IfInfo(AfUnspec, index, IffUp, IffUp);
        if (master is { } bridge) m.Attr(IflaMaster, (uint)bridge);
        Change(m);
    }

    /// <summary>`bridge link set dev INDEX hairpin on`: frames may leave by the bridge port they came in on.</summary>
    public void SetHairpin(int index)
    {
        var m = new NetlinkMessage(RtmSetLink, 0).IfInfo(AfBridge, index);
        var protInfo = m.Begin(IflaProtInfo);
        m.Attr(IflaBrportMode, (byte)1).End(protInfo);
        Change(m);
    }

    /// <summary>`ip addr replace ADDRESS/PREFIX brd + dev INDEX`.</summary>
    public void ReplaceAddress(int index, IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        var host = BinaryPrimitives.ReadUInt32BigEndian(bytes) | (prefixLength >= 31 ? 0 : uint.MaxValue >> prefixLength);
        var broadcast = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(broadcast, host);
        Change(new NetlinkMessage(RtmNewAddr, NetlinkMessage.NlmFCreate | NetlinkMessage.NlmFReplace).IfAddr(AfInet, (byte)prefixLength, index)
            .Attr(IfaLocal, bytes).Attr(IfaAddress, bytes).Attr(IfaBroadcast, broadcast));
    }

    /// <summary>`ip route add DST/LEN via GATEWAY dev INDEX`.</summary>
    public void AddRoute(IPAddress destination, int prefixLength, IPAddress gateway, int index)
    {
        var m = new NetlinkMessage(RtmNewRoute, NetlinkMessage.NlmFCreate | NetlinkMessage.NlmFExcl).Route(AfInet, (byte)prefixLength, RtprotBoot, RtScopeUniverse);
        if (prefixLength > 0) m.Attr(RtaDst, destination.GetAddressBytes());
        Change(m.Attr(RtaGateway, gateway.GetAddressBytes()).Attr(RtaOif, (uint)index));
    }

    /// <summary>`ip link delete INDEX` (a veth takes its peer with it).</summary>
    public void DeleteLink(int index) => Change(new NetlinkMessage(RtmDelLink, 0).IfInfo(AfUnspec, index));
}
