using System.Text.Json.Nodes;

namespace Podway.Api.Protobuf;

/// <summary>Decodes one protobuf message into the JSON Go's encoding/json would print for the decoded k8s struct.</summary>
internal static class MessageDecoder
{
    const int MaxDepth = 64;

    public static JsonObject Decode(MessageDef def, ReadOnlySpan<byte> data, int depth = 0)
    {
        if (depth > MaxDepth) throw WireReader.Malformed($"message nesting deeper than {MaxDepth}");
        var values = new Dictionary<int, JsonNode?>();
        var lists = new Dictionary<int, JsonArray>();
        var maps = new Dictionary<int, JsonObject>();
        var reader = new WireReader(data);
        while (!reader.AtEnd)
        {
            var (number, wireType) = reader.ReadTag();
            if (!def.ByNumber.TryGetValue(number, out var field))
            {
                reader.Skip(wireType);
                continue;
            }
            switch (field.Kind)
            {
                case FieldKind.MapString or FieldKind.MapBytes or FieldKind.MapMessage:
                    Expect(field, wireType, 2);
                    var (key, value) = ReadMapEntry(field, reader.ReadLengthDelimited(), depth);
                    (maps.TryGetValue(number, out var map) ? map : maps[number] = new JsonObject())[key] = value;
                    break;
                case FieldKind.Message:
                    Expect(field, wireType, 2);
                    var node = DecodeMessage(field.Message!, reader.ReadLengthDelimited(), depth + 1);
                    if (field.Repeated) List(lists, number).Add(node);
                    else values[number] = node;
                    break;
                case FieldKind.String or FieldKind.Bytes:
                    Expect(field, wireType, 2);
                    var bytes = reader.ReadLengthDelimited();
                    JsonNode text = field.Kind == FieldKind.String ? WellKnownTypes.DecodeUtf8(bytes) : Convert.ToBase64String(bytes);
                    if (field.Repeated) List(lists, number).Add(text);
                    else values[number] = text;
                    break;
                default:
                    if (field.Repeated && wireType == 2)
                    {
                        // packed repeated numbers
                        var packed = new WireReader(reader.ReadLengthDelimited());
                        while (!packed.AtEnd) List(lists, number).Add(ReadNumber(field, ref packed, field.Kind == FieldKind.Double ? 1 : 0));
                    }
                    else
                    {
                        var number1 = ReadNumber(field, ref reader, wireType);
                        if (field.Repeated) List(lists, number).Add(number1);
                        else values[number] = number1;
                    }
                    break;
            }
        }
        return Emit(def, values, lists, maps, depth);
    }

    static JsonObject Emit(MessageDef def, Dictionary<int, JsonNode?> values, Dictionary<int, JsonArray> lists, Dictionary<int, JsonObject> maps, int depth)
    {
        var result = new JsonObject();
        foreach (var field in def.Fields)
        {
            if (field.Inline)
            {
                // an embedded struct (json:",inline"): its fields sit in the parent object
                var inner = values.TryGetValue(field.Number, out var present) ? present as JsonObject
                    : Decode(SchemaRegistry.Messages[field.Message!], [], depth + 1);
                if (inner == null) continue;
                foreach (var (name, child) in inner.ToList())
                {
                    inner.Remove(name);
                    result[name] = child;
                }
                continue;
            }
            if (field.Repeated)
            {
                if (lists.TryGetValue(field.Number, out var list)) result[field.Json] = list;
                else if (field.Presence == Presence.Always) result[field.Json] = null;
                continue;
            }
            if (field.Kind is FieldKind.MapString or FieldKind.MapBytes or FieldKind.MapMessage)
            {
                if (maps.TryGetValue(field.Number, out var map)) result[field.Json] = map;
                else if (field.Presence == Presence.Always) result[field.Json] = null;
                continue;
            }
            if (values.TryGetValue(field.Number, out var value))
            {
                if (field.Presence == Presence.OmitEmpty && field.Kind != FieldKind.Message && IsZero(value)) continue;
                result[field.Json] = value;
            }
            else if (field.Presence == Presence.Always)
            {
                result[field.Json] = field.Kind == FieldKind.Message
                    ? WellKnownTypes.IsWellKnown(field.Message!) ? WellKnownTypes.Zero(field.Message!) : Decode(SchemaRegistry.Messages[field.Message!], [], depth + 1)
                    : ZeroScalar(field.Kind);
            }
        }
        return result;
    }

    static JsonNode? DecodeMessage(string name, ReadOnlySpan<byte> data, int depth) =>
        WellKnownTypes.IsWellKnown(name) ? WellKnownTypes.Decode(name, data) : Decode(SchemaRegistry.Messages[name], data, depth);

    static (string Key, JsonNode? Value) ReadMapEntry(FieldDef field, ReadOnlySpan<byte> entry, int depth)
    {
        var key = "";
        JsonNode? value = field.Kind switch
        {
            FieldKind.MapString => "",
            FieldKind.MapBytes => "",
            _ => WellKnownTypes.IsWellKnown(field.Message!) ? WellKnownTypes.Zero(field.Message!) : new JsonObject(),
        };
        var reader = new WireReader(entry);
        while (!reader.AtEnd)
        {
            var (number, wireType) = reader.ReadTag();
            if (number is not (1 or 2))
            {
                reader.Skip(wireType);
                continue;
            }
            Expect(field, wireType, 2);
            var bytes = reader.ReadLengthDelimited();
            if (number == 1) key = WellKnownTypes.DecodeUtf8(bytes);
            else value = field.Kind switch
            {
                FieldKind.MapString => WellKnownTypes.DecodeUtf8(bytes),
                FieldKind.MapBytes => Convert.ToBase64String(bytes),
                _ => DecodeMessage(field.Message!, bytes, depth + 1),
            };
        }
        return (key, value);
    }

    static JsonNode ReadNumber(FieldDef field, ref WireReader reader, int wireType)
    {
        if (field.Kind == FieldKind.Double)
        {
            Expect(field, wireType, 1);
            return BitConverter.Int64BitsToDouble((long)reader.ReadFixed64());
        }
        Expect(field, wireType, 0);
        var raw = reader.ReadVarint();
        return field.Kind switch
        {
            FieldKind.Bool => raw != 0,
            FieldKind.Int32 => (int)raw,
            _ => (long)raw,
        };
    }

    static void Expect(FieldDef field, int wireType, int expected)
    {
        if (wireType != expected) throw WireReader.Malformed($"field {field.Json} (#{field.Number}) has wire type {wireType}, expected {expected}");
    }

    static JsonArray List(Dictionary<int, JsonArray> lists, int number) =>
        lists.TryGetValue(number, out var list) ? list : lists[number] = new JsonArray();

    static bool IsZero(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<int>(out var i) => i == 0,
        JsonValue v when v.TryGetValue<long>(out var l) => l == 0,
        JsonValue v when v.TryGetValue<double>(out var d) => d == 0,
        _ => false,
    };

    static JsonNode ZeroScalar(FieldKind kind) => kind switch
    {
        FieldKind.String or FieldKind.Bytes => "",
        FieldKind.Bool => false,
        FieldKind.Double => 0.0,
        _ => 0,
    };
}
