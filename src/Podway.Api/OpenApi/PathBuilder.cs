using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.OpenApi;

/// <summary>
/// The paths of one group-version document, shaped like kube-apiserver's: collection, item and subresource paths
/// whose operations carry x-kubernetes-action and x-kubernetes-group-version-kind. Every write takes the
/// fieldValidation query parameter, which is what makes kubectl apply validate server-side.
/// </summary>
internal static class PathBuilder
{
    static readonly string[] ObjectContent = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

    // strategic-merge-patch+json is left out on purpose: when listed, kubectl's apply builds strategic merge
    // patches from these (skeletal) schemas instead of its compiled-in types (kubectl-wire.md §2).
    static readonly string[] PatchContent = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];

    public static JsonObject Build(IReadOnlyList<ResourceType> types)
    {
        var paths = new JsonObject();
        foreach (var type in types)
        {
            var kindRef = SchemaNames.Of(type, type.Kind);
            var listRef = SchemaNames.Of(type, type.Kind + "List");
            var gvk = (type.Group, type.Version, type.Kind);
            var nsPrefix = type.Namespaced ? "/namespaces/{namespace}" : "";
            var scope = type.Namespaced ? "Namespaced" : "";
            var collection = $"{type.GroupVersionPath}{nsPrefix}/{type.Plural}";
            var item = collection + "/{name}";
            var op = new Ops(type);

            paths[collection] = PathItem(type.Namespaced, named: false, new JsonObject
            {
                ["get"] = op.Make("list", "list", $"{scope}{type.Kind}", $"list or watch objects of kind {type.Kind}", gvk, ListParams(), null, Ok(listRef)),
                ["post"] = op.Make("post", "create", $"{scope}{type.Kind}", $"create a {type.Kind}", gvk, WriteParams(), Body(kindRef, ObjectContent), Created(kindRef)),
                ["delete"] = op.Make("deletecollection", "deletecollection", $"Collection{scope}{type.Kind}", $"delete collection of {type.Kind}", gvk,
                    [.. DeleteParams(), .. ListParams()], Body(SchemaNames.Meta + "DeleteOptions", ObjectContent), Ok(SchemaNames.Meta + "Status")),
            });
            paths[item] = PathItem(type.Namespaced, named: true, ObjectOps(op, scope + type.Kind, gvk, kindRef, "the specified " + type.Kind, delete: true));
            if (type.Namespaced)
            {
                paths[$"{type.GroupVersionPath}/{type.Plural}"] = PathItem(false, named: false, new JsonObject
                {
                    ["get"] = op.Make("list", "list", $"{type.Kind}ForAllNamespaces", $"list or watch objects of kind {type.Kind}", gvk, ListParams(), null, Ok(listRef)),
                });
            }

            foreach (var sub in type.Subresources.Order(StringComparer.Ordinal))
            {
                var subPath = $"{item}/{sub}";
                var suffix = char.ToUpperInvariant(sub[0]) + sub[1..];
                paths[subPath] = PathItem(type.Namespaced, named: true, sub switch
                {
                    "status" => ObjectOps(op, $"{scope}{type.Kind}Status", gvk, kindRef, $"status of the specified {type.Kind}", delete: false),
                    "ephemeralcontainers" => ObjectOps(op, $"{scope}{type.Kind}Ephemeralcontainers", gvk, kindRef, $"ephemeralcontainers of the specified {type.Kind}", delete: false),
                    "scale" => ObjectOps(op, $"{scope}{type.Kind}Scale", ("autoscaling", "v1", "Scale"), "io.k8s.api.autoscaling.v1.Scale", $"scale of the specified {type.Kind}", delete: false),
                    "finalize" => new JsonObject { ["put"] = op.Make("put", "replace", $"{scope}{type.Kind}Finalize", $"replace finalize of the specified {type.Kind}", gvk, WriteParams(), Body(kindRef, ObjectContent), Ok(kindRef)) },
                    "binding" => new JsonObject { ["post"] = op.Make("post", "create", $"{scope}{type.Kind}Binding", $"create binding of a {type.Kind}", ("", "v1", "Binding"), WriteParams(), null, Created(SchemaNames.Meta + "Status")) },
                    "eviction" => new JsonObject { ["post"] = op.Make("post", "create", $"{scope}{type.Kind}Eviction", $"create eviction of a {type.Kind}", ("policy", "v1", "Eviction"), WriteParams(), null, Created(SchemaNames.Meta + "Status")) },
                    "log" => new JsonObject { ["get"] = op.Make("get", "read", $"{scope}{type.Kind}Log", $"read log of the specified {type.Kind}", gvk, [Query("container", "string"), Query("follow", "boolean"), Query("previous", "boolean"), Query("tailLines", "integer"), Query("timestamps", "boolean")], null, Text()) },
                    _ => ConnectOps(op, $"{scope}{type.Kind}{suffix}", (type.Group, type.Version, Discovery.Subresources.Describe(type, sub).Kind), sub),
                });
            }
        }
        return paths;
    }

    static JsonObject ObjectOps(Ops op, string name, (string, string, string) gvk, string schema, string what, bool delete)
    {
        var ops = new JsonObject
        {
            ["get"] = op.Make("get", "read", name, "read " + what, gvk, [], null, Ok(schema)),
            ["put"] = op.Make("put", "replace", name, "replace " + what, gvk, WriteParams(), Body(schema, ObjectContent), Created(schema)),
        };
        if (delete)
        {
            ops["delete"] = op.Make("delete", "delete", name, "delete " + what, gvk, DeleteParams(), Body(SchemaNames.Meta + "DeleteOptions", ObjectContent), Ok(SchemaNames.Meta + "Status"));
        }
        ops["patch"] = op.Make("patch", "patch", name, "partially update " + what, gvk, [.. WriteParams(), Query("force", "boolean")], Body(SchemaNames.Meta + "Patch", PatchContent), Created(schema));
        return ops;
    }

    // exec/attach/portforward/proxy are "connect" actions: GET and POST (proxy: every verb) with the options kind.
    static JsonObject ConnectOps(Ops op, string name, (string, string, string) gvk, string sub)
    {
        var verbs = sub == "proxy" ? new[] { "get", "put", "post", "delete", "patch" } : ["get", "post"];
        var ops = new JsonObject();
        foreach (var verb in verbs)
        {
            ops[verb] = op.Make("connect" + char.ToUpperInvariant(verb[0]) + verb[1..], "connect", name, $"connect {verb.ToUpperInvariant()} requests to {sub}", gvk, [], null, Text());
        }
        return ops;
    }

    static JsonObject PathItem(bool namespaced, bool named, JsonObject ops)
    {
        var parameters = new JsonArray();
        if (named) parameters.Add((JsonNode)PathParam("name", "name of the resource"));
        if (namespaced) parameters.Add((JsonNode)PathParam("namespace", "object name and auth scope, such as for teams and projects"));
        parameters.Add((JsonNode)Query("pretty", "string", "If 'true', then the output is pretty printed."));
        ops["parameters"] = parameters;
        return ops;
    }

    static JsonObject PathParam(string name, string description) => new()
    {
        ["name"] = name, ["in"] = "path", ["description"] = description, ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    static JsonObject Query(string name, string type, string? description = null)
    {
        var p = new JsonObject { ["name"] = name, ["in"] = "query" };
        if (description is not null) p["description"] = description;
        p["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true };
        return p;
    }

    static JsonObject[] WriteParams() =>
    [
        Query("dryRun", "string", "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed"),
        Query("fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes."),
        Query("fieldValidation", "string", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict"),
    ];

    static JsonObject[] ListParams() =>
    [
        Query("allowWatchBookmarks", "boolean"), Query("continue", "string"), Query("fieldSelector", "string"), Query("labelSelector", "string"),
        Query("limit", "integer"), Query("resourceVersion", "string"), Query("resourceVersionMatch", "string"), Query("sendInitialEvents", "boolean"),
        Query("timeoutSeconds", "integer"), Query("watch", "boolean"),
    ];

    static JsonObject[] DeleteParams() =>
    [
        Query("dryRun", "string"), Query("gracePeriodSeconds", "integer"), Query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean"),
        Query("orphanDependents", "boolean"), Query("propagationPolicy", "string"),
    ];

    static JsonObject Body(string schema, string[] contentTypes) => new()
    {
        ["content"] = new JsonObject(contentTypes.Select(ct => KeyValuePair.Create(ct, (JsonNode?)new JsonObject { ["schema"] = new JsonObject { ["$ref"] = SchemaNames.Ref(schema) } }))),
        ["required"] = true,
    };

    static JsonObject Content(string schema) => new(ObjectContent.Select(ct =>
        KeyValuePair.Create(ct, (JsonNode?)new JsonObject { ["schema"] = new JsonObject { ["$ref"] = SchemaNames.Ref(schema) } })));

    static JsonObject Ok(string schema) => new()
    {
        ["200"] = new JsonObject { ["description"] = "OK", ["content"] = Content(schema) },
        ["401"] = new JsonObject { ["description"] = "Unauthorized" },
    };

    static JsonObject Created(string schema) => new()
    {
        ["200"] = new JsonObject { ["description"] = "OK", ["content"] = Content(schema) },
        ["201"] = new JsonObject { ["description"] = "Created", ["content"] = Content(schema) },
        ["401"] = new JsonObject { ["description"] = "Unauthorized" },
    };

    static JsonObject Text() => new()
    {
        ["200"] = new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } } },
        ["401"] = new JsonObject { ["description"] = "Unauthorized" },
    };

    /// <summary>Builds operations named like kube's operation ids: patchAppsV1NamespacedDeployment.</summary>
    sealed class Ops(ResourceType type)
    {
        readonly string groupPart = SchemaNames.OperationGroup(type.Group, type.Version);
        readonly string tag = SchemaNames.OperationGroup(type.Group, type.Version) is var g ? char.ToLowerInvariant(g[0]) + g[1..] : "";

        public JsonObject Make(string verbPrefix, string action, string name, string description, (string Group, string Version, string Kind) gvk,
            JsonObject[] parameters, JsonObject? requestBody, JsonObject responses)
        {
            var op = new JsonObject
            {
                ["tags"] = new JsonArray(tag),
                ["description"] = description,
                ["operationId"] = verbPrefix + groupPart + name,
            };
            if (parameters.Length > 0) op["parameters"] = new JsonArray(parameters.Cast<JsonNode>().ToArray());
            if (requestBody is not null) op["requestBody"] = requestBody;
            op["responses"] = responses;
            op["x-kubernetes-action"] = action;
            op["x-kubernetes-group-version-kind"] = SchemaBuilder.Gvk(gvk.Group, gvk.Version, gvk.Kind);
            return op;
        }
    }
}
