namespace Podway.Api.Patching;

/// <summary>RFC 6901 JSON pointers: "/a/b~1c" names the tokens "a" and "b/c" ("~1" is "/", "~0" is "~").</summary>
internal static class JsonPointer
{
    /// <summary>The unescaped reference tokens, or null when the text is not a pointer.</summary>
    public static string[]? Parse(string pointer)
    {
        if (pointer.Length == 0)
            return [];
        if (pointer[0] != '/')
            return null;
        var parts = pointer[1..].Split('/');
        for (var i = 0; i < parts.Length; i++)
            if (parts[i].Contains('~'))
                parts[i] = parts[i].Replace("~1", "/").Replace("~0", "~");
        return parts;
    }

    public static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
