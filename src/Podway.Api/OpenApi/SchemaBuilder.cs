using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.OpenApi;

/// <summary>
/// components.schemas for one group-version: per kind an object schema carrying x-kubernetes-group-version-kind
/// (what kubectl explain looks up), its List, and the meta/v1 types they reference.
/// </summary>
internal static class SchemaBuilder
{
    const string ApiVersionDoc = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
    const string KindDoc = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
    const string MetadataDoc = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
    const string ListMetadataDoc = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

    public static JsonObject Build(IReadOnlyList<ResourceType> types)
    {
        var schemas = new JsonObject();
        foreach (var type in types)
        {
            var doc = KindDocs.For(type);
            var properties = new JsonObject
            {
                ["apiVersion"] = Prop("string", ApiVersionDoc),
                ["kind"] = Prop("string", KindDoc),
                ["metadata"] = RefProp(SchemaNames.Meta + "ObjectMeta", MetadataDoc),
            };
            foreach (var field in doc.Fields)
            {
                if (field.Ref is { } refName)
                {
                    properties[field.Name] = RefProp(SchemaNames.Of(type, refName), field.Description);
                    schemas[SchemaNames.Of(type, refName)] = new JsonObject { ["description"] = field.Description, ["type"] = "object" };
                }
                else
                {
                    properties[field.Name] = FieldSchema(field);
                }
            }
            schemas[SchemaNames.Of(type, type.Kind)] = new JsonObject
            {
                ["description"] = doc.Description,
                ["type"] = "object",
                ["properties"] = properties,
                ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(type.Group, type.Version, type.Kind)),
            };
            schemas[SchemaNames.Of(type, type.Kind + "List")] = new JsonObject
            {
                ["description"] = $"{type.Kind}List is a list of {type.Kind} objects.",
                ["type"] = "object",
                ["required"] = new JsonArray("items"),
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = Prop("string", ApiVersionDoc),
                    ["items"] = new JsonObject
                    {
                        ["description"] = $"items is the list of {type.Kind} objects.",
                        ["type"] = "array",
                        ["items"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = SchemaNames.Ref(SchemaNames.Of(type, type.Kind)) }), ["default"] = new JsonObject() },
                    },
                    ["kind"] = Prop("string", KindDoc),
                    ["metadata"] = RefProp(SchemaNames.Meta + "ListMeta", ListMetadataDoc),
                },
                ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(type.Group, type.Version, type.Kind + "List")),
            };
        }
        if (types.Any(t => t.HasScale)) schemas["io.k8s.api.autoscaling.v1.Scale"] = Scale();
        foreach (var (name, schema) in MetaSchemas.All()) schemas[name] = schema;
        return schemas;
    }

    public static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["kind"] = kind, ["version"] = version };

    static JsonObject Prop(string type, string description) => new() { ["description"] = description, ["type"] = type };

    static JsonObject RefProp(string name, string description) => new()
    {
        ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = SchemaNames.Ref(name) }),
        ["default"] = new JsonObject(),
        ["description"] = description,
    };

    static JsonObject FieldSchema(FieldDoc field)
    {
        var schema = Prop(field.Type, field.Description);
        if (field.Items is { } items)
        {
            var itemSchema = new JsonObject { ["type"] = items };
            if (field.Type == "object") schema["additionalProperties"] = itemSchema;
            else schema["items"] = itemSchema;
        }
        return schema;
    }

    static JsonObject Scale() => new()
    {
        ["description"] = "Scale represents a scaling request for a resource.",
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["apiVersion"] = Prop("string", ApiVersionDoc),
            ["kind"] = Prop("string", KindDoc),
            ["metadata"] = RefProp(SchemaNames.Meta + "ObjectMeta", MetadataDoc),
            ["spec"] = new JsonObject
            {
                ["description"] = "spec defines the behavior of the scale.",
                ["type"] = "object",
                ["properties"] = new JsonObject { ["replicas"] = Prop("integer", "replicas is the desired number of instances for the scaled object.") },
            },
            ["status"] = new JsonObject
            {
                ["description"] = "status is the current status of the scale. Read-only.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["replicas"] = Prop("integer", "replicas is the actual number of observed instances of the scaled object."),
                    ["selector"] = Prop("string", "selector is the label query over pods that should match the replicas count."),
                },
            },
        },
        ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk("autoscaling", "v1", "Scale")),
    };
}
