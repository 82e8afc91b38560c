using Microsoft.AspNetCore.Http;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Api.Selectors;
using Podway.Storage;

namespace Podway.ApiServer.Handlers;

/// <summary>The labelSelector and fieldSelector of a list, watch or deletecollection request.</summary>
public sealed class ListFilter
{
    readonly ResourceType _type;
    readonly LabelSelector? _labels;
    readonly FieldSelector? _fields;

    ListFilter(ResourceType type, LabelSelector? labels, FieldSelector? fields) => (_type, _labels, _fields) = (type, labels, fields);

    public bool IsEmpty => _labels == null && _fields == null;

    public static ListFilter FromQuery(HttpRequest request, ResourceType type)
    {
        var labelText = request.Query["labelSelector"].ToString();
        var fieldText = request.Query["fieldSelector"].ToString();
        // Both parsers throw kube's 400 BadRequest messages themselves.
        var labels = labelText.Length > 0 ? LabelSelector.Parse(labelText) : null;
        var fields = fieldText.Length > 0 ? FieldSelector.Parse(fieldText) : null;
        fields?.Validate(type);
        return new ListFilter(type, labels is { IsEmpty: false } ? labels : null, fields is { IsEmpty: false } ? fields : null);
    }

    /// <summary>Null when there is nothing to filter, so the store can skip parsing objects.</summary>
    public Func<StoredObject, bool>? Matches => IsEmpty ? null : Test;

    bool Test(StoredObject stored) => Test(stored.Parse());

    public bool Test(System.Text.Json.Nodes.JsonObject obj) =>
        (_labels == null || _labels.Matches(obj.Labels())) && (_fields == null || _fields.Matches(_type, obj));
}
