using System.Globalization;

namespace Podway.Api.Protobuf;

internal enum FieldKind { String, Bool, Int32, Int64, Double, Bytes, Message, MapString, MapBytes, MapMessage }

/// <summary>How Go's encoding/json prints a field after a protobuf decode.</summary>
internal enum Presence
{
    /// <summary>json:",omitempty" on a value: dropped when zero/empty.</summary>
    OmitEmpty,
    /// <summary>No omitempty (or a non-pointer struct): always printed, zero value when absent.</summary>
    Always,
    /// <summary>A pointer: printed whenever the wire carried it, even when zero.</summary>
    Pointer,
}

internal sealed record FieldDef(int Number, string Json, FieldKind Kind, string? Message, bool Repeated, Presence Presence, bool Inline);

internal sealed class MessageDef(string name, IReadOnlyList<FieldDef> fields)
{
    public string Name { get; } = name;
    public IReadOnlyList<FieldDef> Fields { get; } = fields;
    public Dictionary<int, FieldDef> ByNumber { get; } = fields.ToDictionary(f => f.Number);

    /// <summary>
    /// Parses "num json type[mods]; ...". Types: s b i32 i64 f64 by, {s} {by} {Msg} (maps), or a message name.
    /// Mods: * repeated, ! always printed, ? pointer, ^ inline (embedded struct, json name "-").
    /// </summary>
    public static MessageDef Parse(string name, string spec)
    {
        var fields = new List<FieldDef>();
        foreach (var raw in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3) throw new InvalidOperationException($"bad field spec '{raw}' in {name}");
            var number = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var type = parts[2];
            var repeated = type.Contains('*');
            var presence = type.Contains('!') ? Presence.Always : type.Contains('?') ? Presence.Pointer : Presence.OmitEmpty;
            var inline = type.Contains('^');
            type = type.TrimEnd('*', '!', '?', '^');
            var (kind, message) = type switch
            {
                "s" => (FieldKind.String, null),
                "b" => (FieldKind.Bool, null),
                "i32" => (FieldKind.Int32, null),
                "i64" => (FieldKind.Int64, null),
                "f64" => (FieldKind.Double, null),
                "by" => (FieldKind.Bytes, null),
                "{s}" => (FieldKind.MapString, null),
                "{by}" => (FieldKind.MapBytes, null),
                _ when type.StartsWith('{') => (FieldKind.MapMessage, type[1..^1]),
                _ => (FieldKind.Message, (string?)type),
            };
            fields.Add(new FieldDef(number, parts[1], kind, message, repeated, presence, inline));
        }
        return new MessageDef(name, fields);
    }
}
