using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>
/// One kind's validation as its registry strategy runs it: ObjectMeta with the kind's name rule, then the
/// kind's own checks; on update also metadata immutability and the kind's update rules.
/// </summary>
internal sealed class KindValidator(
    bool namespaced,
    NameRule nameRule,
    Action<List<FieldError>, JsonObject>? body = null,
    Action<List<FieldError>, JsonObject, JsonObject>? updateBody = null,
    bool validateMeta = true,
    Action<List<FieldError>, JsonObject>? createOnly = null) : IObjectValidator
{
    public IReadOnlyList<FieldError> ValidateCreate(JsonObject obj)
    {
        var errs = new List<FieldError>();
        if (validateMeta) ObjectMetaValidation.ValidateCreate(errs, obj.Obj("metadata"), namespaced, nameRule);
        body?.Invoke(errs, obj);
        createOnly?.Invoke(errs, obj);
        return Dedup(errs);
    }

    public IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        var errs = new List<FieldError>();
        if (validateMeta) ObjectMetaValidation.ValidateUpdate(errs, obj.Obj("metadata"), old.Obj("metadata"));
        body?.Invoke(errs, obj);
        updateBody?.Invoke(errs, obj, old);
        return Dedup(errs);
    }

    /// <summary>ErrorList.ToAggregate drops repeated messages; the 422 shows each once.</summary>
    static List<FieldError> Dedup(List<FieldError> errs)
    {
        var seen = new HashSet<string>();
        return errs.Where(e => seen.Add(e.Text)).ToList();
    }
}
