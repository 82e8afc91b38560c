using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>ReferenceGrant checks: may an object of kind <c>fromKind</c> in one namespace refer to an object of
/// kind <c>toKind</c> named <c>name</c> in another? Same-namespace references need no grant.</summary>
internal sealed class ReferenceGrants(IReadOnlyList<JsonObject> grants)
{
    public bool Permits(string fromKind, string fromNamespace, string toGroup, string toKind, string toNamespace, string name)
    {
        if (fromNamespace == toNamespace) return true;
        foreach (var grant in grants)
        {
            if (Json.Namespace(grant) != toNamespace) continue;
            var spec = grant["spec"];
            var from = Json.Objects(spec?["from"]).Any(f =>
                Json.Text(f["group"]) == GatewayApi.Group && Json.Text(f["kind"]) == fromKind && Json.Text(f["namespace"]) == fromNamespace);
            if (!from) continue;
            if (Json.Objects(spec?["to"]).Any(t => (Json.Text(t["group"]) ?? "") == toGroup && Json.Text(t["kind"]) == toKind
                                                   && (Json.Text(t["name"]) is not { Length: > 0 } n || n == name)))
                return true;
        }
        return false;
    }
}
