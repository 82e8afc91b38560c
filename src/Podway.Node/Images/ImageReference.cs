using System.Text.RegularExpressions;

namespace Podway.Node.Images;

/// <summary>
/// An image reference parsed like docker/distribution's ParseNormalizedNamed, which the kubelet uses:
/// "nginx" means docker.io/library/nginx, a first component with '.' or ':' (or "localhost") is a registry.
/// </summary>
internal sealed partial record ImageReference(string Domain, string Path, string? Tag, string? Digest)
{
    /// <summary>Registry and repository, e.g. "docker.io/library/nginx"; the catalog's key.</summary>
    public string Repository => $"{Domain}/{Path}";

    const int NameTotalLengthMax = 255;

    // The grammar of github.com/distribution/reference (regexp.go), anchored.
    [GeneratedRegex(@"^((?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?/)?([a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$")]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex IdentifierRegex();

    /// <summary>Parses like the kubelet; the exception message is the one `kubectl describe pod` shows in the event.</summary>
    public static ImageReference Parse(string image)
    {
        string Fail(string why) => $"Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": {why}";
        if (IdentifierRegex().IsMatch(image))
            throw new ImageResolveException("InvalidImageName",
                Fail($"invalid repository name ({image}), cannot specify 64-byte hexadecimal strings"));

        var (domain, remainder) = SplitDockerDomain(image);
        var tagSep = remainder.IndexOf(':');
        var remoteName = tagSep >= 0 ? remainder[..tagSep] : remainder;
        if (!string.Equals(remoteName.ToLowerInvariant(), remoteName, StringComparison.Ordinal))
            throw new ImageResolveException("InvalidImageName", Fail($"invalid reference format: repository name ({remoteName}) must be lowercase"));

        var m = ReferenceRegex().Match($"{domain}/{remainder}");
        if (!m.Success || image.Length == 0)
            throw new ImageResolveException("InvalidImageName", Fail("invalid reference format"));
        var name = (m.Groups[1].Value + m.Groups[2].Value);
        if (name.Length > NameTotalLengthMax)
            throw new ImageResolveException("InvalidImageName", Fail($"repository name must not be more than {NameTotalLengthMax} characters"));
        return new ImageReference(domain, m.Groups[2].Value,
            m.Groups[3].Success ? m.Groups[3].Value : null, m.Groups[4].Success ? m.Groups[4].Value : null);
    }

    static (string Domain, string Remainder) SplitDockerDomain(string name)
    {
        string domain, remainder;
        var i = name.IndexOf('/');
        if (i == -1 || (name[..i].IndexOfAny(['.', ':']) < 0 && name[..i] != "localhost"
                        && string.Equals(name[..i].ToLowerInvariant(), name[..i], StringComparison.Ordinal)))
        {
            domain = "docker.io";
            remainder = name;
        }
        else
        {
            domain = name[..i];
            remainder = name[(i + 1)..];
        }
        if (domain == "index.docker.io") domain = "docker.io";
        if (domain == "docker.io" && !remainder.Contains('/')) remainder = "library/" + remainder;
        return (domain, remainder);
    }
}
