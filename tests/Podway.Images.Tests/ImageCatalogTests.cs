using Podway.Node.Images;

namespace Podway.Images.Tests;

public sealed class ImageCatalogTests
{
    const string Podway = "/opt/podway";

    // A fixed host so the table does not depend on this machine: no zsh, like a plain Debian.
    static readonly HashSet<string> HostFiles = ["/usr/sbin/nginx", "/usr/bin/sh", "/bin/sh", "/usr/bin/bash", "/bin/bash", "/usr/bin/curl", "/usr/bin/sleep", "/usr/bin/env"];
    static readonly ImageCatalog Catalog = new(Podway, new HostPrograms(HostFiles.Contains));

    public static TheoryData<string, string[]?, string[]?, string, string[]> Resolutions => new()
    {
        // image, command, args -> file, argv
        { "nginx", null, null, "/usr/sbin/nginx", ["-g", "daemon off;"] },
        { "nginx:1.25-alpine", null, null, "/usr/sbin/nginx", ["-g", "daemon off;"] },
        { "docker.io/library/nginx:1.25", null, null, "/usr/sbin/nginx", ["-g", "daemon off;"] },
        { "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", null, null, "/usr/sbin/nginx", ["-g", "daemon off;"] },
        { "nginx", ["nginx", "-g", "daemon off;"], null, "/usr/sbin/nginx", ["-g", "daemon off;"] },
        { "nginx", null, ["nginx", "-T"], "/usr/sbin/nginx", ["-T"] },
        { "nginx", ["/usr/sbin/nginx"], null, "/usr/sbin/nginx", [] },
        { "nginx", ["sh", "-c", "echo hi"], null, "/usr/bin/sh", ["-c", "echo hi"] },
        { "nginx", [], [], "/usr/sbin/nginx", ["-g", "daemon off;"] },
        { "registry.k8s.io/e2e-test-images/agnhost:2.52", null, null, Podway, ["image", "agnhost", "pause"] },
        { "registry.k8s.io/e2e-test-images/agnhost:2.52", null, ["netexec", "--http-port=8080"], Podway, ["image", "agnhost", "netexec", "--http-port=8080"] },
        { "registry.k8s.io/e2e-test-images/agnhost:2.40", ["/agnhost", "serve-hostname"], null, Podway, ["image", "agnhost", "serve-hostname"] },
        { "ealen/echo-server:0.9.2", null, null, Podway, ["image", "ealen-echo-server"] },
        { "jmalloc/echo-server", null, null, Podway, ["image", "jmalloc-echo-server"] },
        { "mendhak/http-https-echo:31", null, null, Podway, ["image", "mendhak-http-https-echo"] },
        { "hashicorp/http-echo", null, ["-text=hello"], Podway, ["image", "http-echo", "-text=hello"] },
        { "podway/echo", null, null, Podway, ["image", "podway-echo"] },
        { "curlimages/curl:8.8.0", null, null, "/usr/bin/curl", [] },
        { "curlimages/curl", null, ["-s", "http://web"], "/usr/bin/curl", ["-s", "http://web"] },
        { "curlimages/curl", null, ["sh", "-c", "sleep 1"], "/usr/bin/sh", ["-c", "sleep 1"] },
        { "curlimages/curl", null, ["http://web"], "/usr/bin/curl", ["http://web"] },
        { "busybox", null, null, "/usr/bin/sh", [] },
        { "busybox:1.36", ["sleep", "3600"], null, "/usr/bin/sleep", ["3600"] },
        { "busybox", ["busybox", "sleep", "5"], null, "/usr/bin/sleep", ["5"] },
        { "alpine:3.20", null, null, "/bin/sh", [] },
        { "nicolaka/netshoot", null, null, "/usr/bin/bash", [] },
        { "ubuntu:24.04", null, null, "/bin/bash", [] },
        { "debian:bookworm", null, null, "/usr/bin/bash", [] },
        { "busybox", ["/usr/local/bin/sleep", "1"], null, "/usr/bin/sleep", ["1"] },
        { "example.com:5000/team/tool:v1", ["sleep", "10"], ["20"], "/usr/bin/sleep", ["10", "20"] },
        { "foo/bar:1", ["no-such-program"], null, "no-such-program", [] },
    };

    [Theory, MemberData(nameof(Resolutions))]
    public void Resolve_ImageCommandArgs_RunsProgramAsTheImageWould(string image, string[]? command, string[]? args, string file, string[] argv)
    {
        var resolved = Catalog.Resolve(image, command, args);

        Assert.Equal(file, resolved.File);
        Assert.Equal(argv, resolved.Args);
        Assert.Equal(HostPrograms.ImagePath, resolved.Env["PATH"]);
    }

    [Theory]
    [InlineData("foo/bar:1")]
    [InlineData("quay.io/someone/app")]
    [InlineData("nginxinc/nginx-unprivileged")]
    public void Resolve_UnknownImageWithoutCommand_ErrImagePullSayingWhatToDo(string image)
    {
        var e = Assert.Throws<ImageResolveException>(() => Catalog.Resolve(image, null, ["--flag"]));

        Assert.Equal("ErrImagePull", e.Reason);
        Assert.StartsWith($"image \"{image}\" is not in podway's built-in catalog (nginx, registry.k8s.io/e2e-test-images/agnhost", e.Message);
        Assert.Contains("give the container a command to run a host program, or use one of those images", e.Message);
    }

    [Theory]
    [InlineData("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase")]
    [InlineData("busyboxXXX:1", "invalid reference format: repository name (library/busyboxXXX) must be lowercase")]
    [InlineData("nginx:", "invalid reference format")]
    [InlineData("nginx::1", "invalid reference format")]
    [InlineData("-nginx", "invalid reference format")]
    [InlineData("", "invalid reference format")]
    [InlineData("registry.hub.docker.com/library//nginx:latest", "invalid reference format")]
    [InlineData("nginx@sha256:abc", "invalid reference format")]
    public void Resolve_InvalidName_InvalidImageNameAsTheKubelet(string image, string why)
    {
        var e = Assert.Throws<ImageResolveException>(() => Catalog.Resolve(image, ["sh"], null));

        Assert.Equal("InvalidImageName", e.Reason);
        Assert.Equal($"Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": {why}", e.Message);
    }

    [Fact]
    public void Resolve_DefaultConstructor_UsesRunningExecutable()
    {
        var resolved = new ImageCatalog().Resolve("registry.k8s.io/e2e-test-images/agnhost:2.53", null, null);

        Assert.Equal(Environment.ProcessPath, resolved.File);
    }
}
