namespace Podway.Api.Resources;

/// <summary>One REST resource the API server serves: its group/version/kind, URL names and discovery facts.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    string[] ShortNames,
    string[] Categories,
    string[] Subresources)
{
    /// <summary>"v1" for the core group, else "group/version".</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name kubectl shows in messages: "services", "deployments.apps".</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The key objects of this type are stored under; one per group/resource, independent of version.</summary>
    public string StorageKey => GroupResource;

    public bool HasStatus => Subresources.Contains("status");
    public bool HasScale => Subresources.Contains("scale");

    /// <summary>URL prefix of the group-version: "/api/v1" or "/apis/apps/v1".</summary>
    public string GroupVersionPath => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
}
