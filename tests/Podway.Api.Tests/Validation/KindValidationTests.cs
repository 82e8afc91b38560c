using Podway.Api.Resources;
using Podway.Api.Validation;
using R = Podway.Api.Resources.BuiltinResources;

namespace Podway.Api.Tests.Validation;

/// <summary>Bad objects and the exact "field: message" line kube-apiserver 1.33 reports for them.</summary>
public sealed class KindValidationTests
{
    public sealed record Case(string Name, ResourceType Type, string Yaml, string Expected)
    {
        public override string ToString() => Name;
    }

    const string Deploy = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: LABELS}}
            spec:
              containers: [{name: nginx, image: nginx}]
        """;

    static string Dep(string labels = "web", string extra = "") => Deploy.Replace("LABELS", labels).Replace("  replicas: 1", "  replicas: 1\n" + extra);

    const string Svc = """
        apiVersion: v1
        kind: Service
        metadata: {name: NAME, namespace: default}
        spec:
          selector: {app: web}
          ports: PORTS
        """;

    static string Service(string ports = "[{port: 80}]", string name = "web", string extra = "") =>
        Svc.Replace("NAME", name).Replace("PORTS", ports) + (extra.Length > 0 ? "\n  " + extra : "");

    const string PodY = """
        apiVersion: v1
        kind: Pod
        metadata: {name: demo, namespace: default}
        spec:
          containers: CONTAINERS
        """;

    static string Pod(string containers, string extra = "") => PodY.Replace("CONTAINERS", containers) + (extra.Length > 0 ? "\n  " + extra : "");

    const string Ing = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, namespace: default}
        spec:
          rules:
          - host: HOST
            http:
              paths:
              - path: PATH
                pathType: TYPE
                backend: {service: {name: web, port: {number: 80}}}
        """;

    static string Ingress(string host = "demo.local", string path = "/", string type = "Prefix") =>
        Ing.Replace("HOST", host).Replace("PATH", path).Replace("TYPE", type);

    public static TheoryData<Case> Cases() =>
    [
        new("deployment selector mismatch", R.Deployment, Dep("x"),
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`"),
        new("deployment negative replicas", R.Deployment, Dep().Replace("replicas: 1", "replicas: -1"),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        new("deployment empty selector", R.Deployment, Dep().Replace("{matchLabels: {app: web}}", "{}"),
            "spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: empty selector is invalid for deployment"),
        new("deployment both surge and unavailable zero", R.Deployment, Dep(extra: "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}"),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
        new("deployment bad percent", R.Deployment, Dep(extra: "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 10x}}"),
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: 10x: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"),
        new("deployment progress deadline", R.Deployment, Dep(extra: "  minReadySeconds: 10\n  progressDeadlineSeconds: 5"),
            "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds"),
        new("deployment template restartPolicy", R.Deployment, Dep().Replace("containers: [{name: nginx, image: nginx}]", "restartPolicy: Never\n      containers: [{name: nginx, image: nginx}]"),
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
        new("deployment missing image", R.Deployment, Dep().Replace(", image: nginx", ""),
            "spec.template.spec.containers[0].image: Required value"),
        new("selector bad operator", R.ReplicaSet, Dep().Replace("kind: Deployment", "kind: ReplicaSet").Replace("{matchLabels: {app: web}}", "{matchExpressions: [{key: app, operator: Exists, values: [web]}]}"),
            "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        new("statefulset bad podManagementPolicy", R.StatefulSet, Dep().Replace("kind: Deployment", "kind: StatefulSet").Replace("replicas: 1", "replicas: 1\n  podManagementPolicy: Random"),
            "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"),

        new("service bad name", R.Service, Service(name: "1web"),
            "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"),
        new("service no ports", R.Service, Service("[]"), "spec.ports: Required value"),
        new("service port zero", R.Service, Service("[{port: 0}]"), "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
        new("service unnamed ports", R.Service, Service("[{name: http, port: 80}, {port: 81}]"), "spec.ports[1].name: Required value"),
        new("service duplicate port", R.Service, Service("[{name: a, port: 80, protocol: TCP}, {name: b, port: 80, protocol: TCP}]"),
            "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"),
        new("service bad protocol", R.Service, Service("[{port: 80, protocol: ICMP}]"),
            "spec.ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
        new("service bad type", R.Service, Service(extra: "type: Magic"),
            "spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""),
        new("service externalName missing", R.Service, Service("[]", extra: "type: ExternalName"), "spec.externalName: Required value"),
        new("service etp on ClusterIP", R.Service, Service(extra: "externalTrafficPolicy: Local"),
            "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set when `type` is 'NodePort' or 'LoadBalancer'"),
        new("service nodePort on ClusterIP", R.Service, Service("[{port: 80, nodePort: 30001}]"),
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
        new("service headless NodePort", R.Service, Service(extra: "type: NodePort\n  clusterIP: None"),
            "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"),
        new("service affinity timeout", R.Service, Service(extra: "sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}"),
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400"),
        new("service bad targetPort name", R.Service, Service("[{port: 80, targetPort: HTTP}]"),
            "spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),

        new("pod no containers", R.Pod, Pod("[]"), "spec.containers: Required value"),
        new("pod duplicate container", R.Pod, Pod("[{name: a, image: x}, {name: a, image: y}]"), "spec.containers[1].name: Duplicate value: \"a\""),
        new("pod bad port", R.Pod, Pod("[{name: a, image: x, ports: [{containerPort: 70000}]}]"),
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        new("pod duplicate port name", R.Pod, Pod("[{name: a, image: x, ports: [{name: web, containerPort: 80}, {name: web, containerPort: 81}]}]"),
            "spec.containers[0].ports[1].name: Duplicate value: \"web\""),
        new("pod restartPolicy", R.Pod, Pod("[{name: a, image: x}]", "restartPolicy: Sometimes"),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""),
        new("pod dnsPolicy", R.Pod, Pod("[{name: a, image: x}]", "dnsPolicy: Google"),
            "spec.dnsPolicy: Unsupported value: \"Google\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""),
        new("pod probe without handler", R.Pod, Pod("[{name: a, image: x, readinessProbe: {periodSeconds: 5}}]"),
            "spec.containers[0].readinessProbe: Required value: must specify a handler type"),
        new("pod probe two handlers", R.Pod, Pod("[{name: a, image: x, livenessProbe: {tcpSocket: {port: 80}, httpGet: {path: /, port: 80}}}]"),
            "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"),
        new("pod negative grace", R.Pod, Pod("[{name: a, image: x}]", "terminationGracePeriodSeconds: -1"),
            "spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0"),
        new("pod bad hostname", R.Pod, Pod("[{name: a, image: x}]", "hostname: Pod_1"),
            "spec.hostname: Invalid value: \"Pod_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        new("pod mount of unknown volume", R.Pod, Pod("[{name: a, image: x, volumeMounts: [{name: data, mountPath: /d}]}]"),
            "spec.containers[0].volumeMounts[0].name: Not found: \"data\""),
        new("pod requests over limits", R.Pod, Pod("[{name: a, image: x, resources: {requests: {cpu: '2'}, limits: {cpu: 500m}}}]"),
            "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 500m"),

        new("namespace uppercase", R.Namespace, "apiVersion: v1\nkind: Namespace\nmetadata: {name: Shop}",
            "metadata.name: Invalid value: \"Shop\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        new("namespace with namespace", R.Namespace, "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, namespace: default}",
            "metadata.namespace: Forbidden: not allowed on this type"),
        new("configmap no name", R.ConfigMap, "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: default}",
            "metadata.name: Required value: name or generateName is required"),
        new("configmap bad key", R.ConfigMap, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {'a b': x}",
            "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"),
        new("label value too long", R.ConfigMap, $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c, namespace: default, labels: {{app: {new string('a', 64)}}}}}",
            $"metadata.labels: Invalid value: \"{new string('a', 64)}\": must be no more than 63 characters"),
        new("tls secret without key", R.Secret, "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ntype: kubernetes.io/tls\ndata: {tls.crt: eA==}",
            "data[tls.key]: Required value"),
        new("endpoints loopback", R.Endpoints, "apiVersion: v1\nkind: Endpoints\nmetadata: {name: e, namespace: default}\nsubsets: [{addresses: [{ip: 127.0.0.1}], ports: [{port: 80, protocol: TCP}]}]",
            "subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"),

        new("endpointslice bad type", R.EndpointSlice, "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e, namespace: default}\naddressType: IPv5",
            "addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\""),
        new("endpointslice ipv6 in ipv4", R.EndpointSlice, "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e, namespace: default}\naddressType: IPv4\nendpoints: [{addresses: ['fd00::1']}]",
            "endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address"),

        new("ingress ip host", R.Ingress, Ingress(host: "10.0.0.1"), "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address"),
        new("ingress relative path", R.Ingress, Ingress(path: "api"), "spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path"),
        new("ingress bad pathType", R.Ingress, Ingress(type: "Regex"),
            "spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""),
        new("ingress bad wildcard", R.Ingress, Ingress(host: "'*.*.foo.com'"),
            "spec.rules[0].host: Invalid value: \"*.*.foo.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        new("ingressclass controller", R.IngressClass, "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: nginx}",
            "spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\")"),
        new("netpol peer ipBlock plus selector", R.NetworkPolicy, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: default}\nspec:\n  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]",
            "spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"),
        new("netpol except outside", R.NetworkPolicy, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: default}\nspec:\n  podSelector: {}\n  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]}]",
            "spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"192.168.0.0/16\": must be a strict subset of `cidr`"),
        new("netpol bad policyType", R.NetworkPolicy, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: default}\nspec: {podSelector: {}, policyTypes: [Inbound]}",
            "spec.policyTypes[0]: Unsupported value: \"Inbound\": supported values: \"Ingress\", \"Egress\""),

        new("events v1 event missing fields", R.EventsEvent, "apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: e, namespace: default}\neventTime: '2024-01-01T00:00:00.000000Z'\ntype: Normal\nreportingController: podway.io/x\nreportingInstance: i\naction: Create",
            "reason: Required value"),
        new("gatewayclass controller", R.GatewayClass, "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: g}\nspec: {}",
            "spec.controllerName: Required value"),
        new("gateway port", R.Gateway, "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: default}\nspec: {gatewayClassName: c, listeners: [{name: http, protocol: HTTP, port: 0}]}",
            "spec.listeners[0].port: Invalid value: 0: spec.listeners[0].port in body should be greater than or equal to 1"),
        new("httproute relative path", R.HttpRoute, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec: {rules: [{matches: [{path: {type: PathPrefix, value: api}}]}]}",
            "spec.rules[0].matches[0].path: Invalid value: \"object\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"),
        new("httproute backend without port", R.HttpRoute, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec: {rules: [{backendRefs: [{name: api}]}]}",
            "spec.rules[0].backendRefs[0]: Invalid value: \"object\": Must have port for Service reference"),
        new("tlsroute without rules", R.TlsRoute, "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata: {name: r, namespace: default}\nspec: {hostnames: [abc.example.com]}",
            "spec.rules: Required value"),
        new("tlsroute bad hostname", R.TlsRoute, "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata: {name: r, namespace: default}\nspec: {hostnames: [Bad_Host], rules: [{backendRefs: [{name: s, port: 443}]}]}",
            "spec.hostnames[0]: Invalid value: \"Bad_Host\": spec.hostnames[0] in body should match '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'"),
        new("tcproute empty backendRefs", R.TcpRoute, "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TCPRoute\nmetadata: {name: r, namespace: default}\nspec: {rules: [{backendRefs: []}]}",
            "spec.rules[0].backendRefs: Invalid value: 0: spec.rules[0].backendRefs in body should have at least 1 items"),
        new("udproute duplicate rule names", R.UdpRoute, "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: UDPRoute\nmetadata: {name: r, namespace: default}\nspec: {rules: [{name: a, backendRefs: [{name: s, port: 53}]}, {name: a, backendRefs: [{name: s, port: 53}]}]}",
            "spec.rules: Invalid value: \"array\": Rule name must be unique within the route"),
        new("udproute backend without port", R.UdpRoute, "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: UDPRoute\nmetadata: {name: r, namespace: default}\nspec: {rules: [{backendRefs: [{name: s}]}]}",
            "spec.rules[0].backendRefs[0]: Invalid value: \"object\": Must have port for Service reference"),
        new("referencegrant empty from", R.ReferenceGrant, "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: r, namespace: default}\nspec: {from: [], to: [{group: '', kind: Service}]}",
            "spec.from: Invalid value: 0: spec.from in body should have at least 1 items"),
        new("anp priority above 1000", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1001, subject: {namespaces: {}}}",
            "spec.priority: Invalid value: 1001: spec.priority in body should be less than or equal to 1000"),
        new("anp priority missing", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {subject: {namespaces: {}}}", "spec.priority: Required value"),
        new("anp subject with two kinds", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}}",
            "spec.subject: Too many: 2: must have at most 1 items"),
        new("anp subject pods without podSelector", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {pods: {namespaceSelector: {}}}}",
            "spec.subject.pods.podSelector: Required value"),
        new("anp unknown action", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, ingress: [{action: Reject, from: [{namespaces: {}}]}]}",
            "spec.ingress[0].action: Unsupported value: \"Reject\": supported values: \"Allow\", \"Deny\", \"Pass\""),
        new("anp rule without peers", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, egress: [{action: Deny, to: []}]}",
            "spec.egress[0].to: Invalid value: 0: spec.egress[0].to in body should have at least 1 items"),
        new("anp empty peer", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, ingress: [{action: Deny, from: [{}]}]}",
            "spec.ingress[0].from[0]: Invalid value: 0: spec.ingress[0].from[0] in body should have at least 1 properties"),
        new("anp networks in ingress", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, ingress: [{action: Deny, from: [{networks: [10.0.0.0/8]}]}]}",
            "spec.ingress[0].from[0]: Invalid value: 0: spec.ingress[0].from[0] in body should have at least 1 properties"),
        new("anp bad network", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, egress: [{action: Deny, to: [{networks: [10.0.0.300/8]}]}]}",
            "spec.egress[0].to[0].networks[0]: Invalid value: \"string\": Invalid CIDR format provided"),
        new("anp port out of range", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, egress: [{action: Deny, to: [{namespaces: {}}], ports: [{portNumber: {port: 70000}}]}]}",
            "spec.egress[0].ports[0].portNumber.port: Invalid value: 70000: spec.egress[0].ports[0].portNumber.port in body should be less than or equal to 65535"),
        new("anp port with number and range", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, egress: [{action: Deny, to: [{namespaces: {}}], ports: [{portNumber: {port: 80}, portRange: {start: 1, end: 2}}]}]}",
            "spec.egress[0].ports[0]: Too many: 2: must have at most 1 items"),
        new("anp too many rules", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, ingress: [" + string.Join(", ", Enumerable.Repeat("{action: Deny, from: [{namespaces: {}}]}", 101)) + "]}",
            "spec.ingress: Too many: 101: must have at most 100 items"),
        new("anp bad selector operator", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {matchExpressions: [{key: a, operator: Is}]}}}",
            "spec.subject.namespaces.matchExpressions[0].operator: Invalid value: \"Is\": not a valid selector operator"),
        new("anp boolean label value (an unquoted yaml y)", R.AdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {matchLabels: {ns: true}}}}",
            "spec.subject.namespaces.matchLabels.ns: Invalid value: \"boolean\": spec.subject.namespaces.matchLabels.ns in body must be of type string: \"boolean\""),
        new("banp not named default", R.BaselineAdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: NAME}\nspec: {subject: {namespaces: {}}}".Replace("NAME", "other"),
            "<nil>: Invalid value: \"object\": Only one baseline admin network policy with metadata.name=\"default\" can be created in the cluster"),
        new("banp pass action", R.BaselineAdminNetworkPolicy, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: NAME}\nspec: {subject: {namespaces: {}}, ingress: [{action: Pass, from: [{namespaces: {}}]}]}".Replace("NAME", "default"),
            "spec.ingress[0].action: Unsupported value: \"Pass\": supported values: \"Allow\", \"Deny\""),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValidateCreate_InvalidObject_ReportsKubeFieldError(Case c)
    {
        var errors = Validators.For(c.Type).ValidateCreate(Yaml.One(c.Yaml));
        Assert.Contains(c.Expected, errors.Select(e => e.Text));
    }

    public sealed record UpdateCase(string Name, ResourceType Type, string Old, string New, string Expected)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<UpdateCase> UpdateCases() =>
    [
        new("deployment selector immutable", R.Deployment, Dep(), Dep().Replace("matchLabels: {app: web}", "matchLabels: {app: web, tier: fe}").Replace("labels: {app: web}", "labels: {app: web, tier: fe}"),
            "spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{app: web,tier: fe,},MatchExpressions:[]LabelSelectorRequirement{},}: field is immutable"),
        new("pod port change", R.Pod, Pod("[{name: a, image: x, ports: [{containerPort: 80}]}]"), Pod("[{name: a, image: x, ports: [{containerPort: 81}]}]"),
            "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"),
        new("service clusterIP change", R.Service, Service(extra: "clusterIP: 10.96.0.5"), Service(extra: "clusterIP: 10.96.0.6"),
            "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.6\"}: may not change once set"),
        new("secret type change", R.Secret, "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ntype: Opaque", "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ntype: foo/bar",
            "type: Invalid value: \"foo/bar\": field is immutable"),
        new("name change", R.ConfigMap, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: default}",
            "metadata.name: Invalid value: \"b\": field is immutable"),
        new("endpointslice addressType", R.EndpointSlice, "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e, namespace: default}\naddressType: IPv4",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e, namespace: default}\naddressType: IPv6", "addressType: Invalid value: \"IPv6\": field is immutable"),
    ];

    [Theory]
    [MemberData(nameof(UpdateCases))]
    public void ValidateUpdate_ChangedImmutableField_ReportsKubeFieldError(UpdateCase c)
    {
        var errors = Validators.For(c.Type).ValidateUpdate(Yaml.One(c.New), Yaml.One(c.Old));
        Assert.Contains(c.Expected, errors.Select(e => e.Text));
    }

    [Fact]
    public void ValidateUpdate_PodImageChange_IsAllowed()
    {
        var errors = Validators.For(R.Pod).ValidateUpdate(Yaml.One(Pod("[{name: a, image: y}]")), Yaml.One(Pod("[{name: a, image: x}]")));
        Assert.Empty(errors);
    }

    [Fact]
    public void For_EveryBuiltinType_ReturnsAValidatorThatChecksMetadata()
    {
        foreach (var type in R.AllTypes)
        {
            var errors = Validators.For(type).ValidateCreate(new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject() });
            Assert.Contains(errors, e => e.Field == "metadata.name" && e.Reason == "FieldValueRequired");
        }
    }
}
