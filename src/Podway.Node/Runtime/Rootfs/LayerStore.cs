using System.Collections.Concurrent;

namespace Podway.Node.Runtime.Rootfs;

/// <summary>
/// The node's read-only layers under &lt;state&gt;/layers: the base layer and one per built-in image, each built once per
/// agent run on first use and named by its content (LayerWriter), so a restarted agent reuses what running containers
/// have mounted and a changed layer never alters a mounted one.
/// </summary>
internal sealed class LayerStore(string dir, IReadOnlyDictionary<string, Action<LayerWriter>> images)
{
    readonly ConcurrentDictionary<string, Lazy<string>> _built = new();

    /// <summary>The overlay lower directories for an image, top first: its own layer (if it has one), then the base.</summary>
    public IReadOnlyList<string> LowerDirs(string? image) =>
        image is not null && images.TryGetValue(image, out var write) ? [Get(image, write), Base] : [Base];

    public string Base => Get("base", BaseLayer.Write);

    /// <summary>Builds every layer now (a new node's first Pods would otherwise each wait for theirs).</summary>
    public void BuildAll()
    {
        _ = Base;
        foreach (var (image, write) in images) Get(image, write);
    }

    string Get(string name, Action<LayerWriter> write)
    {
        var lazy = _built.GetOrAdd(name, _ => new Lazy<string>(() => Build(name, write)));
        try { return lazy.Value; }
        catch
        {
            // Lazy keeps a failure; forget it so the next container tries again.
            _built.TryRemove(new KeyValuePair<string, Lazy<string>>(name, lazy));
            throw;
        }
    }

    string Build(string name, Action<LayerWriter> write)
    {
        Directory.CreateDirectory(dir);
        // A restarted agent finds its layers built: fingerprint without writing, build only what changed.
        var probe = new LayerWriter(dir, dryRun: true);
        write(probe);
        var existing = Path.Combine(dir, $"{Safe(name)}-{probe.Fingerprint()}");
        if (Directory.Exists(existing)) return existing;
        var scratch = Path.Combine(dir, $".{name}-{Guid.NewGuid():N}");
        var layer = new LayerWriter(scratch);
        Directory.CreateDirectory(scratch);
        write(layer);
        var final = Path.Combine(dir, $"{Safe(name)}-{layer.Fingerprint()}");
        if (Directory.Exists(final)) Directory.Delete(scratch, recursive: true);
        else Directory.Move(scratch, final);
        return final;
    }

    static string Safe(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));
}
