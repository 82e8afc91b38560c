using System.Reflection;
using Podway.Node.Runtime;
using Podway.Node.Runtime.Rootfs;

namespace Podway.Node.Images;

/// <summary>
/// The files each built-in image has where the real image has them, above the base layer: its entrypoint programs
/// (small scripts that run podway's implementation, so `kubectl exec POD -- /agnhost connect ...` works), and for nginx
/// the Docker Hub image's configuration, welcome page and log links around Debian's nginx binary.
/// Files under Images/Layers/&lt;image&gt;/ in this project are copied in as they are.
/// </summary>
internal static class ImageLayers
{
    public static IReadOnlyDictionary<string, Action<LayerWriter>> For(string podwayExecutable) =>
        CatalogImages.All.ToDictionary(i => i.DisplayName, i => (Action<LayerWriter>)(layer => Write(i, podwayExecutable, layer)));

    /// <summary>Images whose programs are podway's: their containers get podway's build directory, read-only.</summary>
    public static IReadOnlySet<string> RunningPodway() =>
        CatalogImages.All.Where(i => i.BuiltinPrograms.Count > 0).Select(i => i.DisplayName).ToHashSet();

    static void Write(CatalogImage image, string podwayExecutable, LayerWriter layer)
    {
        foreach (var (path, program) in image.BuiltinPrograms)
            if (path.StartsWith('/'))
                layer.File(path, $"#!/bin/sh\nexec {Shell.Quote(podwayExecutable)} image {program} \"$@\"\n", Modes.Executable);
        CopyResources(image.DisplayName, layer);
        if (image.DisplayName == "nginx") Nginx(layer);
    }

    static void Nginx(LayerWriter layer)
    {
        // The official image's user and group "nginx" (101), its log links to the container's output, and the files
        // of Debian's nginx that its config includes; temp paths where Debian's binary was built to put them.
        layer.File("etc/passwd", BaseLayer.Passwd([("nginx", 101, 101, "/nonexistent", "/bin/false")]));
        layer.File("etc/group", BaseLayer.Group([("nginx", 101)]));
        layer.CopyFromHost(new[] { "mime.types", "fastcgi_params", "fastcgi.conf", "scgi_params", "uwsgi_params", "koi-utf", "koi-win", "win-utf" }
            .Select(file => $"/etc/nginx/{file}"));
        layer.Dir("var/log/nginx");
        layer.Symlink("var/log/nginx/access.log", "/dev/stdout");
        layer.Symlink("var/log/nginx/error.log", "/dev/stderr");
        layer.Dir("var/cache/nginx");
        layer.Dir("var/lib/nginx");
    }

    static void CopyResources(string image, LayerWriter layer)
    {
        var prefix = $"layers/{image}/";
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var path = name[prefix.Length..];
            if (Path.GetFileName(path) == ".keep") { layer.Dir(Path.GetDirectoryName(path)!); continue; }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            layer.File(path, buffer.ToArray(), path.EndsWith(".sh", StringComparison.Ordinal) ? Modes.Executable : Modes.File);
        }
    }
}
