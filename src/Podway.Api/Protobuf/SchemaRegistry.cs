namespace Podway.Api.Protobuf;

/// <summary>All message tables, and which message a (apiVersion, kind) envelope carries.</summary>
internal static class SchemaRegistry
{
    public static readonly Dictionary<string, MessageDef> Messages = Build();

    static readonly Dictionary<(string ApiVersion, string Kind), string> TopLevel = new()
    {
        [("v1", "Namespace")] = "Namespace", [("v1", "ConfigMap")] = "ConfigMap", [("v1", "Secret")] = "Secret",
        [("v1", "ServiceAccount")] = "ServiceAccount", [("v1", "Service")] = "Service", [("v1", "Pod")] = "Pod",
        [("v1", "Endpoints")] = "Endpoints", [("v1", "Event")] = "Event", [("v1", "DeleteOptions")] = "DeleteOptions",
        [("apps/v1", "Deployment")] = "Deployment", [("apps/v1", "ReplicaSet")] = "ReplicaSet", [("apps/v1", "StatefulSet")] = "StatefulSet",
        [("networking.k8s.io/v1", "Ingress")] = "Ingress", [("networking.k8s.io/v1", "NetworkPolicy")] = "NetworkPolicy",
        [("meta.k8s.io/v1", "DeleteOptions")] = "DeleteOptions",
    };

    public static MessageDef? ForKind(string apiVersion, string kind)
    {
        // client-go encodes DeleteOptions with the group-version of the resource being deleted
        if (kind == "DeleteOptions") return Messages["DeleteOptions"];
        return TopLevel.TryGetValue((apiVersion, kind), out var name) ? Messages[name] : null;
    }

    static Dictionary<string, MessageDef> Build()
    {
        var all = new Dictionary<string, MessageDef>();
        foreach (var table in new[] { MetaSchemas.All, CoreSchemas.All, AppsNetworkingSchemas.All })
            foreach (var (name, spec) in table)
                all.Add(name, MessageDef.Parse(name, spec));
        // every referenced message must be defined or well-known, so a typo fails at startup, not on a request
        foreach (var message in all.Values)
            foreach (var field in message.Fields)
                if (field.Message != null && !all.ContainsKey(field.Message) && !WellKnownTypes.IsWellKnown(field.Message))
                    throw new InvalidOperationException($"{message.Name}.{field.Json} references unknown message {field.Message}");
        return all;
    }
}
