using Podway.Api.Resources;

namespace Podway.Api.OpenApi;

/// <summary>A top-level field of a kind: a plain JSON type, or (Ref set) a named object schema of its own.</summary>
internal sealed record FieldDoc(string Name, string Type, string Description, string? Ref = null, string? Items = null);

/// <summary>What `kubectl explain KIND` prints: the kind's description and its top-level fields (k8s.io/api doc comments).</summary>
internal sealed record KindDoc(string Description, IReadOnlyList<FieldDoc> Fields);

internal static class KindDocs
{
    const string SpecStatus = "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status";

    static FieldDoc Spec(string kind, string description) => new("spec", "object", description, Ref: kind + "Spec");
    static FieldDoc Status(string kind, string description) => new("status", "object", description, Ref: kind + "Status");
    static FieldDoc Map(string name, string description) => new(name, "object", description, Items: "string");
    static FieldDoc List(string name, string description) => new(name, "array", description, Items: "object");

    static KindDoc SpecAndStatus(string kind, string description, string what) => new(description,
    [
        Spec(kind, $"Spec defines the desired state of {what}. More info: {SpecStatus}"),
        Status(kind, $"Status is the most recently observed status of {what}. This data may not be up to date. Populated by the system. Read-only. More info: {SpecStatus}"),
    ]);

    static KindDoc SpecOnly(string kind, string description, string what) =>
        new(description, [Spec(kind, $"Spec defines the desired state of {what}. More info: {SpecStatus}")]);

    public static KindDoc For(ResourceType type) => (type.Group, type.Kind) switch
    {
        ("", "Pod") => SpecAndStatus("Pod", "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.", "the pod"),
        ("", "Namespace") => SpecAndStatus("Namespace", "Namespace provides a scope for Names. Use of multiple namespaces is optional.", "the Namespace"),
        ("", "Node") => SpecAndStatus("Node", "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).", "the node"),
        ("", "Service") => SpecAndStatus("Service", "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.", "the service"),
        ("", "Endpoints") => new("Endpoints is a collection of endpoints that implement the actual service.",
            [List("subsets", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share.")]),
        ("", "Secret") => new("Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.",
        [
            Map("data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string."),
            new("immutable", "boolean", "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified)."),
            Map("stringData", "stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values."),
            new("type", "string", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
        ]),
        ("", "ConfigMap") => new("ConfigMap holds configuration data for pods to consume.",
        [
            Map("binaryData", "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
            Map("data", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
            new("immutable", "boolean", "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified)."),
        ]),
        ("", "ServiceAccount") => new("ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets",
        [
            new("automountServiceAccountToken", "boolean", "AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted."),
            List("imagePullSecrets", "ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount."),
            List("secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
        ]),
        ("", "Event") => new("Event is a report of an event somewhere in the cluster. Events have a limited retention time and triggers and messages may evolve with time.",
        [
            new("action", "string", "What action was taken/failed regarding to the Regarding object."),
            new("count", "integer", "The number of times this event has occurred."),
            new("eventTime", "string", "Time when this Event was first observed."),
            new("firstTimestamp", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            new("involvedObject", "object", "The object that this event is about."),
            new("lastTimestamp", "string", "The time at which the most recent occurrence of this event was recorded."),
            new("message", "string", "A human-readable description of the status of this operation."),
            new("reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            new("related", "object", "Optional secondary object for more complex actions."),
            new("reportingComponent", "string", "Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`."),
            new("reportingInstance", "string", "ID of the controller instance, e.g. `kubelet-xyzf`."),
            new("series", "object", "Data about the Event series this event represents or nil if it's a singleton Event."),
            new("source", "object", "The component reporting this event. Should be a short machine understandable string."),
            new("type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
        ]),
        ("apps", "Deployment") => SpecAndStatus("Deployment", "Deployment enables declarative updates for Pods and ReplicaSets.", "the Deployment"),
        ("apps", "ReplicaSet") => SpecAndStatus("ReplicaSet", "ReplicaSet ensures that a specified number of pod replicas are running at any given time.", "the ReplicaSet"),
        ("apps", "StatefulSet") => SpecAndStatus("StatefulSet", "StatefulSet represents a set of pods with consistent identities. Identities are defined as:\n  - Network: A single stable DNS and hostname.\n  - Storage: As many VolumeClaims as requested.\n\nThe StatefulSet guarantees that a given network identity will always map to the same storage identity.", "the StatefulSet"),
        ("discovery.k8s.io", "EndpointSlice") => new("EndpointSlice represents a set of service endpoints. Most EndpointSlices are created by the EndpointSlice controller to represent the Pods selected by Service objects.",
        [
            new("addressType", "string", "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation."),
            List("endpoints", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."),
            List("ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
        ]),
        ("networking.k8s.io", "Ingress") => SpecAndStatus("Ingress", "Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend. An Ingress can be configured to give services externally-reachable urls, load balance traffic, terminate SSL, offer name based virtual hosting etc.", "the Ingress"),
        ("networking.k8s.io", "IngressClass") => SpecOnly("IngressClass", "IngressClass represents the class of the Ingress, referenced by the Ingress Spec. The `ingressclass.kubernetes.io/is-default-class` annotation can be used to indicate that an IngressClass should be considered default.", "the IngressClass"),
        ("networking.k8s.io", "NetworkPolicy") => SpecOnly("NetworkPolicy", "NetworkPolicy describes what network traffic is allowed for a set of Pods", "the NetworkPolicy"),
        ("coordination.k8s.io", "Lease") => SpecOnly("Lease", "Lease defines a lease concept.", "the Lease"),
        ("events.k8s.io", "Event") => new("Event is a report of an event somewhere in the cluster. It generally denotes some state change in the system. Events have a limited retention time and triggers and messages may evolve with time.",
        [
            new("action", "string", "action is what action was taken/failed regarding to the regarding object."),
            new("deprecatedCount", "integer", "deprecatedCount is the deprecated field assuring backward compatibility with core.v1 Event type."),
            new("deprecatedFirstTimestamp", "string", "deprecatedFirstTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type."),
            new("deprecatedLastTimestamp", "string", "deprecatedLastTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type."),
            new("deprecatedSource", "object", "deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type."),
            new("eventTime", "string", "eventTime is the time when this Event was first observed. It is required."),
            new("note", "string", "note is a human-readable description of the status of this operation."),
            new("reason", "string", "reason is why the action was taken. It is human-readable."),
            new("regarding", "object", "regarding contains the object this Event is about."),
            new("related", "object", "related is the optional secondary object for more complex actions."),
            new("reportingController", "string", "reportingController is the name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`."),
            new("reportingInstance", "string", "reportingInstance is the ID of the controller instance, e.g. `kubelet-xyzf`."),
            new("series", "object", "series is data about the Event series this event represents or nil if it's a singleton Event."),
            new("type", "string", "type is the type of this event (Normal, Warning), new types could be added in the future."),
        ]),
        ("gateway.networking.k8s.io", "GatewayClass") => SpecAndStatus("GatewayClass", "GatewayClass describes a class of Gateways available to the user for creating Gateway resources.", "GatewayClass"),
        ("gateway.networking.k8s.io", "Gateway") => SpecAndStatus("Gateway", "Gateway represents an instance of a service-traffic handling infrastructure by binding Listeners to a set of IP addresses.", "Gateway"),
        ("gateway.networking.k8s.io", "HTTPRoute") => SpecAndStatus("HTTPRoute", "HTTPRoute provides a way to route HTTP requests. This includes the capability to match requests by hostname, path, header, or query param. Filters can be used to specify additional processing steps. Backends specify where matching requests should be routed.", "HTTPRoute"),
        ("gateway.networking.k8s.io", "GRPCRoute") => SpecAndStatus("GRPCRoute", "GRPCRoute provides a way to route gRPC requests. This includes the capability to match requests by hostname, gRPC service, gRPC method, or HTTP/2 header. Filters can be used to specify additional processing steps. Backends specify where matching requests will be routed.", "GRPCRoute"),
        ("gateway.networking.k8s.io", "TLSRoute") => SpecAndStatus("TLSRoute", "The TLSRoute resource is similar to TCPRoute, but can be configured to match against TLS-specific metadata. This allows more flexibility in matching streams for a given TLS listener. If you need to forward traffic to a single target for a TLS listener, you could choose to use a TCPRoute with a TLS listener.", "TLSRoute"),
        ("gateway.networking.k8s.io", "TCPRoute") => SpecAndStatus("TCPRoute", "TCPRoute provides a way to route TCP requests. When combined with a Gateway listener, it can be used to forward connections on the port specified by the listener to a set of backends specified by the TCPRoute.", "TCPRoute"),
        ("gateway.networking.k8s.io", "UDPRoute") => SpecAndStatus("UDPRoute", "UDPRoute provides a way to route UDP traffic. When combined with a Gateway listener, it can be used to forward traffic on the port specified by the listener to a set of backends specified by the UDPRoute.", "UDPRoute"),
        ("gateway.networking.k8s.io", "ReferenceGrant") => SpecOnly("ReferenceGrant", "ReferenceGrant identifies kinds of resources in other namespaces that are trusted to reference the specified kinds of resources in the same namespace as the policy.", "ReferenceGrant"),
        ("policy.networking.k8s.io", "AdminNetworkPolicy") => SpecAndStatus("AdminNetworkPolicy", "AdminNetworkPolicy is  a cluster level resource that is part of the AdminNetworkPolicy API.", "AdminNetworkPolicy"),
        ("policy.networking.k8s.io", "BaselineAdminNetworkPolicy") => SpecAndStatus("BaselineAdminNetworkPolicy", "BaselineAdminNetworkPolicy is a cluster level resource that is part of the AdminNetworkPolicy API.", "BaselineAdminNetworkPolicy"),
        _ => new($"{type.Kind} is a {type.GroupResource} object.", [Spec(type.Kind, $"Spec defines the desired state of the {type.Kind}.")]),
    };
}
