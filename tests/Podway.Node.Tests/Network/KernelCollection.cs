namespace Podway.Node.Tests.Network;

/// <summary>Tests that change the host's routes and links run one at a time, so "the routing table is as before" holds.</summary>
[CollectionDefinition(Name)]
public sealed class KernelCollection
{
    public const string Name = "Kernel";
}
