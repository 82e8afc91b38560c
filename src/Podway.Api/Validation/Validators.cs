using Podway.Api.Resources;

namespace Podway.Api.Validation;

/// <summary>The validator for each resource type (null: the type has none beyond generic metadata checks).</summary>
public static partial class Validators
{
    public static IObjectValidator? For(ResourceType type) => Registered.GetValueOrDefault(type.StorageKey);

    static readonly Dictionary<string, IObjectValidator> Registered = new();
}
