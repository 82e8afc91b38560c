using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podway.Api.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Podway.ApiServer.Http;

/// <summary>
/// YAML bodies (server-side apply, application/yaml) to JSON, with the YAML 1.2 core schema's scalar types as
/// sigs.k8s.io/yaml reads them. Built from the parser's events on an explicit stack, never by recursion, so no
/// body can exhaust the thread's stack; nesting is refused past <see cref="BodyLimits.MaxNestingDepth"/> and
/// aliases past <see cref="YamlAliasBudget"/>, both as soon as the parser reaches them.
/// </summary>
public static partial class YamlToJson
{
    public static JsonNode Convert(byte[] body)
    {
        var parser = new Parser(new StringReader(Encoding.UTF8.GetString(body)));
        var builder = new Builder();
        try
        {
            while (!builder.Done && parser.MoveNext())
                builder.Accept(parser.Current!);
        }
        catch (YamlException e)
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}");
        }
        if (!builder.Done) throw ApiException.BadRequest("the request body is empty");
        return builder.Root ?? throw ApiException.BadRequest("the request body is null");
    }

    static ApiException Refused(string why) => ApiException.BadRequest($"error converting YAML to JSON: yaml: {why}");

    /// <summary>A finished node with what an alias of it costs: its node count, scalar bytes and height.</summary>
    sealed record Anchored(JsonNode? Node, long Nodes, long Bytes, int Height);

    /// <summary>A mapping or sequence being filled.</summary>
    sealed class Frame(JsonNode container, string? anchor)
    {
        public JsonNode Container { get; } = container;
        public string? Anchor { get; } = anchor;
        public string? PendingKey { get; set; }
        public long Nodes { get; set; } = 1;
        public long Bytes { get; set; }
        public int ChildHeight { get; set; }
    }

    sealed class Builder
    {
        readonly Stack<Frame> _open = new();
        readonly Dictionary<string, Anchored> _anchors = new();
        readonly HashSet<string> _anchorsOpen = new();
        readonly YamlAliasBudget _budget = new();

        public bool Done { get; private set; }
        public JsonNode? Root { get; private set; }

        bool ExpectingKey => _open.TryPeek(out var top) && top.Container is JsonObject && top.PendingKey == null;

        public void Accept(ParsingEvent e)
        {
            switch (e)
            {
                case MappingStart m: Open(new JsonObject(), m.Anchor); break;
                case SequenceStart s: Open(new JsonArray(), s.Anchor); break;
                case MappingEnd or SequenceEnd: Close(); break;
                case Scalar scalar when ExpectingKey:
                    _budget.CountNode(scalar.Value.Length);
                    if (!scalar.Anchor.IsEmpty) _anchors[scalar.Anchor.Value] = new(JsonValue.Create(scalar.Value), 1, scalar.Value.Length, 0);
                    _open.Peek().PendingKey = scalar.Value;
                    break;
                case Scalar scalar:
                    _budget.CountNode(scalar.Value.Length);
                    var value = ScalarValue(scalar);
                    if (!scalar.Anchor.IsEmpty) _anchors[scalar.Anchor.Value] = new(value, 1, scalar.Value.Length, 0);
                    Add(value, 1, scalar.Value.Length, 0);
                    break;
                case AnchorAlias alias: Expand(alias.Value.Value); break;
            }
        }

        void Open(JsonNode container, AnchorName anchor)
        {
            if (_open.Count >= BodyLimits.MaxNestingDepth) throw Refused($"exceeded max depth of {BodyLimits.MaxNestingDepth}");
            if (ExpectingKey) throw Refused("a mapping key must be a scalar");
            _budget.CountNode(0);
            var name = anchor.IsEmpty ? null : anchor.Value;
            if (name != null) _anchorsOpen.Add(name);
            _open.Push(new Frame(container, name));
        }

        void Close()
        {
            var frame = _open.Pop();
            var height = frame.ChildHeight + 1;
            if (frame.Anchor != null)
            {
                _anchorsOpen.Remove(frame.Anchor);
                _anchors[frame.Anchor] = new(frame.Container, frame.Nodes, frame.Bytes, height);
            }
            Add(frame.Container, frame.Nodes, frame.Bytes, height);
        }

        void Expand(string name)
        {
            if (!_anchors.TryGetValue(name, out var anchored))
                throw Refused(_anchorsOpen.Contains(name) ? $"anchor '{name}' value contains itself" : $"unknown anchor '{name}' referenced");
            if (!_budget.TryExpandAlias(anchored.Nodes, anchored.Bytes)) throw Refused("document contains excessive aliasing");
            if (ExpectingKey)
            {
                _open.Peek().PendingKey = anchored.Node is JsonValue key && key.TryGetValue<string>(out var text) ? text
                    : throw Refused("a mapping key must be a scalar");
                return;
            }
            if (_open.Count + anchored.Height > BodyLimits.MaxNestingDepth) throw Refused($"exceeded max depth of {BodyLimits.MaxNestingDepth}");
            Add(anchored.Node?.DeepClone(), anchored.Nodes, anchored.Bytes, anchored.Height);
        }

        void Add(JsonNode? value, long nodes, long bytes, int height)
        {
            if (!_open.TryPeek(out var parent))
            {
                Root = value;
                Done = true;
                return;
            }
            parent.Nodes += nodes;
            parent.Bytes += bytes;
            parent.ChildHeight = Math.Max(parent.ChildHeight, height);
            if (parent.Container is JsonObject map)
            {
                map[parent.PendingKey!] = value; // a repeated key: the last one wins, as go-yaml's non-strict decoding does
                parent.PendingKey = null;
            }
            else ((JsonArray)parent.Container).Add(value);
        }
    }

    static JsonNode? ScalarValue(Scalar s)
    {
        var v = s.Value;
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded) return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (IntPattern().IsMatch(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (FloatPattern().IsMatch(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")] private static partial Regex IntPattern();
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")] private static partial Regex FloatPattern();
}
