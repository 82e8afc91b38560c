using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Podway.Controllers.Workloads;

/// <summary>
/// kube's controller.ComputeHash: FNV-32a over the pod template, then the collisionCount (little-endian uint32) when
/// set, printed in decimal and passed through rand.SafeEncodeString. kube hashes a spew dump of the Go struct;
/// we hash the template's canonical JSON (keys sorted), so values differ from kube's but are stable and collide alike.
/// </summary>
internal static class TemplateHash
{
    const string Alphanums = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(JsonObject? template, long? collisionCount)
    {
        var hash = Fnv32a.Offset;
        hash = Fnv32a.Add(hash, Encoding.UTF8.GetBytes(Canonical(template).ToJsonString()));
        if (collisionCount is { } c)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)c);
            hash = Fnv32a.Add(hash, bytes);
        }
        return SafeEncodeString(hash.ToString());
    }

    /// <summary>k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: each byte mapped into an alphabet without vowels.</summary>
    public static string SafeEncodeString(string s)
    {
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++) chars[i] = Alphanums[s[i] % Alphanums.Length];
        return new string(chars);
    }

    static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    static class Fnv32a
    {
        public const uint Offset = 2166136261;
        const uint Prime = 16777619;

        public static uint Add(uint hash, ReadOnlySpan<byte> data)
        {
            foreach (var b in data)
            {
                hash ^= b;
                hash *= Prime;
            }
            return hash;
        }
    }
}
