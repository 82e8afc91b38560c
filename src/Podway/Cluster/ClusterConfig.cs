using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podway.Cluster;

/// <summary>The settings a cluster was created with (data-dir/cluster.json); a later `up` resumes them.</summary>
internal sealed record ClusterConfig
{
    public const int DefaultApiPort = 6443;
    public const string DefaultPodCidr = "10.244.0.0/16";
    public const string DefaultServiceCidr = "10.96.0.0/12";

    public required string Name { get; init; }
    public required int ApiPort { get; init; }
    public required string PodCidr { get; init; }
    public required string ServiceCidr { get; init; }
    /// <summary>The cluster's node network on the host bridge; distinct per cluster so several never collide.</summary>
    public required string NodeCidr { get; init; }
    /// <summary>The host's address on the node network: where nodes and Pods reach the API server.</summary>
    public required string AdvertiseAddress { get; init; }
    public required DateTimeOffset Created { get; init; }
    /// <summary>`up --resolv-conf`: the host resolv.conf the node resolver forwards to; "" none; null (older configs) /etc/resolv.conf.</summary>
    public string? ResolvConf { get; init; }

    [JsonIgnore] public IPAddress Advertise => IPAddress.Parse(AdvertiseAddress);

    public static ClusterConfig? Load(string file)
    {
        if (!File.Exists(file)) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(file), ClusterConfigJson.Default.ClusterConfig)
                ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new Cli.CliException($"cannot read {file}: {e.Message}; fix it or run podway down --purge to start over");
        }
    }

    public void Save(string file)
    {
        var tmp = file + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, ClusterConfigJson.Default.ClusterConfig) + "\n");
        File.Move(tmp, file, overwrite: true);
    }
}

/// <summary>cluster.json's (de)serializer, generated at compile time (the native build has no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ClusterConfig))]
internal sealed partial class ClusterConfigJson : JsonSerializerContext;
