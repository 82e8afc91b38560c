using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>
/// printers.go printEvent. events.k8s.io/v1 Events are converted to the same internal type in kube, so
/// both APIs share this printer; <paramref name="eventsApi"/> maps the newer field names.
/// </summary>
internal sealed class EventPrinter(bool eventsApi) : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Str("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
        Printing.Columns.Str("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
        Printing.Columns.Str("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        Printing.Columns.Str("Object", "The object that this event is about."),
        Printing.Columns.Str("Subobject", "If the reference is to an object, this field refers to a piece of it, e.g. spec.containers{name}.", 1),
        Printing.Columns.Str("Source", "The component reporting this event. Should be a short machine understandable string.", 1),
        Printing.Columns.Str("Message", "A human-readable description of the status of this operation."),
        Printing.Columns.Str("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
        Printing.Columns.Str("Count", "The number of times this event has occurred.", 1),
        new TableColumn("Name", "string", "name", Printing.Columns.NameDescription, 1),
    ];

    string F(string core, string events) => eventsApi ? events : core;

    public object?[] Cells(JsonObject ev, DateTimeOffset now)
    {
        var firstSeen = Time(ev, F("firstTimestamp", "deprecatedFirstTimestamp"));
        var firstTimestamp = firstSeen is null
            ? HumanDuration.Since(Time(ev, "eventTime"), now)
            : HumanDuration.Since(firstSeen, now);
        var lastSeen = Time(ev, F("lastTimestamp", "deprecatedLastTimestamp"));
        var lastTimestamp = lastSeen is null ? firstTimestamp : HumanDuration.Since(lastSeen, now);

        long count = Long(ev, F("count", "deprecatedCount"));
        if (Obj(ev, "series") is { } series)
        {
            lastTimestamp = HumanDuration.Since(Time(series, "lastObservedTime"), now);
            count = Long(series, "count");
        }
        else if (count == 0)
        {
            count = 1; // singleton events carry no count in the new API
        }

        var involved = Obj(ev, F("involvedObject", "regarding"));
        var kind = Str(involved, "kind").ToLowerInvariant();
        var target = Str(involved, "name") is { Length: > 0 } name ? $"{kind}/{name}" : kind;

        var source = Obj(ev, F("source", "deprecatedSource"));
        var component = FirstNonEmpty(Str(source, "component"), Str(ev, "reportingController"));
        var instance = FirstNonEmpty(Str(source, "host"), Str(ev, "reportingInstance"));

        return
        [
            lastTimestamp, Str(ev, "type"), Str(ev, "reason"), target, Str(involved, "fieldPath"),
            instance.Length == 0 ? component : $"{component}, {instance}",
            Str(ev, F("message", "note")).Trim(),
            firstTimestamp, count, ObjectMetaRead.Name(ev),
        ];
    }

    static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;
}
