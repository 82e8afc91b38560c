using Podway.Api.Resources;

namespace Podway.Controllers;

/// <summary>A work-queue key: which object of which type (namespace "" for cluster-scoped).</summary>
internal sealed record ObjectRef(ResourceType Type, string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? $"{Type.GroupResource}/{Name}" : $"{Type.GroupResource} {Namespace}/{Name}";
}
