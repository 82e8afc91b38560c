namespace Podway.Node.Runtime;

internal static class Shell
{
    /// <summary>Quotes one word for sh: 'it'\''s'.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    /// <summary>
    /// Runs argv under a pseudo-terminal with util-linux script(1) (stdout and stderr merge, as with a CRI tty).
    /// </summary>
    public static (string File, IReadOnlyList<string> Args) UnderPty(string file, IReadOnlyList<string> args) =>
        ("script", ["-qfec", Join([file, .. args]), "/dev/null"]);
}
