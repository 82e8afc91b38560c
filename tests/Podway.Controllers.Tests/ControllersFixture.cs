using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests;

/// <summary>
/// The real API server with a ControllerManager running against it; each test works in namespaces of its own.
/// The workload controllers and the scheduler are off: these tests build owner chains by hand (see Workloads/ for theirs).
/// </summary>
public sealed class ControllersFixture : IAsyncLifetime
{
    /// <summary>Any PEM text will do: the publisher copies it verbatim into every namespace.</summary>
    public const string TestRootCaPem = "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n";

    ManagedApiServer? _cluster;

    public ApiClient Client => _cluster!.Client;
    public ConcurrentQueue<string> Log { get; } = new();

    public async Task InitializeAsync() => _cluster = await ManagedApiServer.StartAsync(new ControllerManagerOptions
    {
        Log = Log.Enqueue, RootCaPem = TestRootCaPem, RunWorkloadControllers = false, RunScheduler = false,
    });

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    public Task<string> NewNamespaceAsync() => _cluster!.NewNamespaceAsync("t-");

    public static JsonObject OwnerRef(JsonObject owner, bool blockOwnerDeletion = false, bool controller = false) => new()
    {
        ["apiVersion"] = owner["apiVersion"]!.GetValue<string>(),
        ["kind"] = owner["kind"]!.GetValue<string>(),
        ["name"] = ObjectMeta.Name(owner),
        ["uid"] = ObjectMeta.Uid(owner),
        ["blockOwnerDeletion"] = blockOwnerDeletion,
        ["controller"] = controller,
    };

    public Task<JsonObject> CreateConfigMapAsync(string ns, string name, IEnumerable<JsonObject>? owners = null, params string[] finalizers)
    {
        var meta = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (owners is not null) meta["ownerReferences"] = new JsonArray(owners.Select(o => (JsonNode)o).ToArray());
        if (finalizers.Length > 0) meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
        return Client.CreateAsync(BuiltinResources.ConfigMap, ns, new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = meta, ["data"] = new JsonObject { ["k"] = "v" },
        });
    }

    public Task RemoveFinalizersAsync(ResourceType type, string? ns, string name) =>
        Client.PatchAsync(type, ns, name, PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } });

    public async Task<bool> GoneAsync(ResourceType type, string? ns, string name) => await Client.TryGetAsync(type, ns, name) is null;
}

[CollectionDefinition("controllers")]
public sealed class ControllersCollection : ICollectionFixture<ControllersFixture>;
