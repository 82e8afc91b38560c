using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>
/// Events, after ValidateEventCreate: core/v1 gets only the lenient legacy checks; events.k8s.io/v1 also the
/// strict ones. Field paths are those of the internal type (involvedObject, reportingController) in both, as kube reports them.
/// </summary>
internal static class EventValidation
{
    const int ReportingInstanceLimit = 128, ActionLimit = 128, ReasonLimit = 128, NoteLimit = 1024;

    public static readonly IObjectValidator CoreEvent = new KindValidator(true, NameRule.Dns1123Subdomain,
        (errs, ev) => Legacy(errs, View.FromCore(ev), "reportingComponent"));

    public static readonly IObjectValidator EventsEvent = new KindValidator(true, NameRule.Dns1123Subdomain,
        (errs, ev) => Strict(errs, View.FromEventsV1(ev)));

    /// <summary>The fields validation reads, whichever API version the event came through.</summary>
    sealed record View(string Namespace, string InvolvedNamespace, string EventTime, string ReportingController, string ReportingInstance,
        string Action, string Reason, string Message, string Type, string FirstTimestamp, string LastTimestamp, long Count, bool HasSource, JsonObject? Series)
    {
        public static View FromCore(JsonObject e) => new(
            e.Obj("metadata").Str("namespace") ?? "", e.Obj("involvedObject").Str("namespace") ?? "", e.Str("eventTime") ?? "",
            e.Str("reportingComponent") ?? "", e.Str("reportingInstance") ?? "", e.Str("action") ?? "", e.Str("reason") ?? "",
            e.Str("message") ?? "", e.Str("type") ?? "", e.Str("firstTimestamp") ?? "", e.Str("lastTimestamp") ?? "", e.Int("count") ?? 0,
            (e.Obj("source").Str("component") ?? "").Length + (e.Obj("source").Str("host") ?? "").Length > 0, e.Obj("series"));

        public static View FromEventsV1(JsonObject e) => new(
            e.Obj("metadata").Str("namespace") ?? "", e.Obj("regarding").Str("namespace") ?? "", e.Str("eventTime") ?? "",
            e.Str("reportingController") ?? "", e.Str("reportingInstance") ?? "", e.Str("action") ?? "", e.Str("reason") ?? "",
            e.Str("note") ?? "", e.Str("type") ?? "", e.Str("deprecatedFirstTimestamp") ?? "", e.Str("deprecatedLastTimestamp") ?? "",
            e.Int("deprecatedCount") ?? 0,
            (e.Obj("deprecatedSource").Str("component") ?? "").Length + (e.Obj("deprecatedSource").Str("host") ?? "").Length > 0, e.Obj("series"));
    }

    static void Legacy(List<FieldError> errs, View e, string controllerField)
    {
        if (e.EventTime.Length == 0)
        {
            if (e.InvolvedNamespace.Length == 0 ? e.Namespace is not ("" or "default") : e.Namespace != e.InvolvedNamespace)
                errs.Add(Errs.Invalid("involvedObject.namespace", e.InvolvedNamespace, "does not match event.namespace"));
        }
        else
        {
            if (e.InvolvedNamespace.Length == 0 && e.Namespace is not ("default" or "kube-system"))
                errs.Add(Errs.Invalid("involvedObject.namespace", e.InvolvedNamespace, "does not match event.namespace"));
            if (e.ReportingController.Length == 0) errs.Add(Errs.Required(controllerField));
            foreach (var m in LabelRules.QualifiedNameErrors(e.ReportingController)) errs.Add(Errs.Invalid(controllerField, e.ReportingController, m));
            if (e.ReportingInstance.Length == 0) errs.Add(Errs.Required("reportingInstance"));
            if (e.ReportingInstance.Length > ReportingInstanceLimit) errs.Add(Errs.Invalid("reportingInstance", "", $"can have at most {ReportingInstanceLimit} characters"));
            if (e.Action.Length == 0) errs.Add(Errs.Required("action"));
            if (e.Action.Length > ActionLimit) errs.Add(Errs.Invalid("action", "", $"can have at most {ActionLimit} characters"));
            if (e.Reason.Length == 0) errs.Add(Errs.Required("reason"));
            if (e.Reason.Length > ReasonLimit) errs.Add(Errs.Invalid("reason", "", $"can have at most {ReasonLimit} characters"));
            if (e.Message.Length > NoteLimit) errs.Add(Errs.Invalid("message", "", $"can have at most {NoteLimit} characters"));
        }
        foreach (var m in NameRules.Dns1123SubdomainErrors(e.Namespace)) errs.Add(Errs.Invalid("namespace", e.Namespace, m));
    }

    static void Strict(List<FieldError> errs, View e)
    {
        Legacy(errs, e, "reportingController");
        if (e.Series is { } series)
        {
            if ((series.Int("count") ?? 0) < 2) errs.Add(Errs.Invalid("series.count", "", "should be at least 2"));
            if ((series.Str("lastObservedTime") ?? "").Length == 0) errs.Add(Errs.Required("series.lastObservedTime"));
        }
        if (e.EventTime.Length == 0) errs.Add(Errs.Required("eventTime"));
        if (e.Type is not ("Normal" or "Warning")) errs.Add(Errs.Invalid("type", "", $"has invalid value: {e.Type}"));
        if (e.FirstTimestamp.Length != 0) errs.Add(Errs.Invalid("firstTimestamp", "", "needs to be unset"));
        if (e.LastTimestamp.Length != 0) errs.Add(Errs.Invalid("lastTimestamp", "", "needs to be unset"));
        if (e.Count != 0) errs.Add(Errs.Invalid("count", "", "needs to be unset"));
        if (e.HasSource) errs.Add(Errs.Invalid("source", "", "needs to be unset"));
    }
}
