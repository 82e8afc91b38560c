namespace Podway.Edge.Routing.Annotations;

/// <summary>
/// ingress-nginx's `rewrite-target`, `use-regex` and `x-forwarded-prefix` (annotations/rewrite). A rewrite-target
/// that differs from a path rewrites that path's requests (<see cref="PathRewrite"/>); it, or `use-regex: "true"`,
/// turns every path of the same host into a case-insensitive regex anchored at its start (nginx `location ~* "^path"`),
/// as ingress-nginx's enforceRegexModifier does for the whole server block.
/// </summary>
internal sealed record RewriteAnnotations(string? Target, bool UseRegex, string? XForwardedPrefix)
{
    public static readonly string[] Names = ["rewrite-target", "use-regex", "x-forwarded-prefix"];

    public static RewriteAnnotations Of(AnnotationReader annotations) =>
        new(annotations.Get("rewrite-target"), annotations.Bool("use-regex") ?? false, annotations.Get("x-forwarded-prefix"));

    /// <summary>ingress-nginx's needsRewrite: a target that is not the path itself.</summary>
    public bool Rewrites(string path) => Target is not null && Target != path;

    /// <summary>Whether this path makes its host's paths regexes.</summary>
    public bool WantsRegex(string path) => UseRegex || Rewrites(path);

    /// <summary>The rewrite for one path (as written in the Ingress), or null when it has none or the path is no
    /// valid regex (reported by the caller).</summary>
    public PathRewrite? For(string path) =>
        Rewrites(path) && PathRegex.TryCreate(path, anchored: false, out var regex) ? new PathRewrite(regex, Target!, XForwardedPrefix) : null;
}
