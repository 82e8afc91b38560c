namespace Podway.Api.Defaulting;

/// <summary>
/// SetDefaults_Container's pull policy: Always when the image's tag is "latest" (also implied when neither
/// tag nor digest is given), else IfNotPresent. An unparsable reference gets IfNotPresent, as in kube
/// (ParseImageName fails, so the tag reads as "").
/// </summary>
internal static class ImagePullPolicy
{
    public static string For(string? image) => Tag(image) == "latest" ? "Always" : "IfNotPresent";

    static string Tag(string? image)
    {
        if (string.IsNullOrEmpty(image)) return "";
        var at = image.IndexOf('@');
        var hasDigest = at >= 0;
        var name = hasDigest ? image[..at] : image;
        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        var tag = colon > lastSlash ? name[(colon + 1)..] : "";
        var repository = colon > lastSlash ? name[..colon] : name;
        // docker/distribution rejects upper case in the repository path (the domain may have it).
        var path = repository.IndexOf('/') is var slash and >= 0 && LooksLikeDomain(repository[..slash]) ? repository[(slash + 1)..] : repository;
        if (path.Length == 0 || path.Any(char.IsUpper) || image.Any(char.IsWhiteSpace)) return "";
        if (tag.Length == 0 && !hasDigest) return "latest";
        return tag;
    }

    static bool LooksLikeDomain(string component) =>
        component.Contains('.') || component.Contains(':') || component == "localhost" || component.Any(char.IsUpper);
}
