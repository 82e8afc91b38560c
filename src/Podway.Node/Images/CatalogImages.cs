namespace Podway.Node.Images;

/// <summary>The built-in images, with the ENTRYPOINT/CMD of the real images so command/args behave the same.</summary>
internal static class CatalogImages
{
    /// <summary>The same program (or script, or wrapper) at each of the paths an image has it under.</summary>
    static IReadOnlyDictionary<string, T> AtPaths<T>(T what, params string[] paths) =>
        paths.ToDictionary(p => p, _ => what, StringComparer.Ordinal);

    static IReadOnlyDictionary<string, string> Programs(string program, params string[] paths) => AtPaths(program, paths);

    /// <summary>
    /// pause.c in sh: `-v` prints a version, other arguments are refused; it sleeps until SIGTERM or SIGINT, says which,
    /// and exits 0. A shell and a sleep start on a fraction of what podway's own executable costs (~7 ms of CPU, 12 MB
    /// RSS): a pause Pod is the smallest there is, and a burst of them measured every millisecond.
    /// </summary>
    const string PauseScript =
        """
        case "$#:$1" in
          0:) ;;
          1:-v) echo "pause.c podway"; exit 0 ;;
          *) printf 'Supported options:\n  -v  Prints pause version\n' >&2; exit 1 ;;
        esac
        trap 'kill $! 2>/dev/null; echo "Shutting down, got signal: Terminated"; exit 0' TERM
        trap 'kill $! 2>/dev/null; echo "Shutting down, got signal: Interrupt"; exit 0' INT
        while :; do sleep 2147483647 & wait $!; done
        """;

    static IReadOnlyDictionary<string, EntrypointWrapper> Wrapper(EntrypointWrapper kind, params string[] paths) => AtPaths(kind, paths);

    public static readonly IReadOnlyList<CatalogImage> All =
    [
        new("nginx", ["docker.io/library/nginx", "public.ecr.aws/nginx/nginx", "mirror.gcr.io/library/nginx"],
            // Debian's real nginx with the official image's files (ImageLayers).
            ["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"], CatalogImage.NoPrograms,
            Wrapper(EntrypointWrapper.ExecArgs, "/docker-entrypoint.sh", "docker-entrypoint.sh")),
        new("registry.k8s.io/e2e-test-images/agnhost",
            ["registry.k8s.io/e2e-test-images/agnhost", "k8s.gcr.io/e2e-test-images/agnhost", "gcr.io/kubernetes-e2e-test-images/agnhost"],
            ["/agnhost"], ["pause"], Programs("agnhost", "/agnhost", "agnhost"), CatalogImage.NoWrappers),
        new("registry.k8s.io/pause",
            ["registry.k8s.io/pause", "k8s.gcr.io/pause", "gcr.io/google-containers/pause", "gcr.io/google_containers/pause"],
            ["/pause"], [], CatalogImage.NoPrograms, CatalogImage.NoWrappers) { Scripts = AtPaths(PauseScript, "/pause", "pause") },
        new("ealen/echo-server", ["docker.io/ealen/echo-server"],
            ["/echo-server"], [], Programs("ealen-echo-server", "/echo-server", "echo-server"), CatalogImage.NoWrappers),
        new("jmalloc/echo-server", ["docker.io/jmalloc/echo-server"],
            ["/bin/echo-server"], [], Programs("jmalloc-echo-server", "/bin/echo-server", "echo-server"), CatalogImage.NoWrappers),
        new("mendhak/http-https-echo", ["docker.io/mendhak/http-https-echo"],
            ["/http-https-echo"], [], Programs("mendhak-http-https-echo", "/http-https-echo", "http-https-echo"), CatalogImage.NoWrappers),
        // The Gateway API conformance backend (conformance/base/manifests.yaml), under its release and staging names.
        new("registry.k8s.io/gateway-api/conformance/echo-basic",
            ["registry.k8s.io/gateway-api/conformance/echo-basic", "gcr.io/k8s-staging-gateway-api/echo-basic"],
            ["/echo-basic"], [], Programs("echo-basic", "/echo-basic", "echo-basic"), CatalogImage.NoWrappers),
        // The ingress conformance suite's backend (kubernetes-sigs/ingress-controller-conformance, images/echoserver):
        // the same Go program echo-basic grew from, with the same JSON, env and /health; so echo-basic serves it.
        new("k8s.gcr.io/ingressconformance/echoserver",
            ["k8s.gcr.io/ingressconformance/echoserver", "registry.k8s.io/ingressconformance/echoserver", "gcr.io/k8s-staging-ingressconformance/echoserver"],
            ["/echoserver"], [], Programs("echo-basic", "/echoserver", "echoserver"), CatalogImage.NoWrappers),
        new("hashicorp/http-echo", ["docker.io/hashicorp/http-echo"],
            ["/http-echo"], [], Programs("http-echo", "/http-echo", "http-echo"), CatalogImage.NoWrappers),
        new("podway/echo", ["docker.io/podway/echo"],
            ["/echo"], [], Programs("podway-echo", "/echo"), CatalogImage.NoWrappers),
        new("podway/dns", ["docker.io/podway/dns"],
            ["/dns"], [], Programs("dns", "/dns"), CatalogImage.NoWrappers),
        new("podway/edge", ["docker.io/podway/edge"],
            ["/edge"], [], Programs("edge", "/edge"), CatalogImage.NoWrappers),
        new("curlimages/curl", ["docker.io/curlimages/curl", "quay.io/curl/curl"],
            ["/entrypoint.sh"], ["curl"], CatalogImage.NoPrograms,
            Wrapper(EntrypointWrapper.CurlOrProgram, "/entrypoint.sh", "entrypoint.sh")),
        new("busybox", ["docker.io/library/busybox"], [], ["sh"], CatalogImage.NoPrograms,
            Wrapper(EntrypointWrapper.ExecArgs, "busybox", "/bin/busybox")),
        new("alpine", ["docker.io/library/alpine"], [], ["/bin/sh"], CatalogImage.NoPrograms, CatalogImage.NoWrappers),
        new("nicolaka/netshoot", ["docker.io/nicolaka/netshoot"], [], ["zsh"], CatalogImage.NoPrograms, CatalogImage.NoWrappers),
        new("ubuntu", ["docker.io/library/ubuntu"], [], ["/bin/bash"], CatalogImage.NoPrograms, CatalogImage.NoWrappers),
        new("debian", ["docker.io/library/debian"], [], ["bash"], CatalogImage.NoPrograms, CatalogImage.NoWrappers),
    ];
}
