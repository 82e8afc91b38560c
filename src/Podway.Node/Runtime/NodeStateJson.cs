using System.Text.Json.Serialization;
using Podway.Node.Sandbox;

namespace Podway.Node.Runtime;

/// <summary>The node's state files (pods/&lt;uid&gt;/state.json, sandboxes/&lt;uid&gt;.json), written without reflection so
/// the native build reads and writes them too.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(PodRecord))]
[JsonSerializable(typeof(SandboxState))]
internal sealed partial class NodeStateJson : JsonSerializerContext;
