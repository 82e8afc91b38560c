using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Podway.Edge.Routing.Annotations;

/// <summary>
/// htpasswd hashes as nginx's auth_basic_user_file checks them (ngx_crypt): `$apr1$` (Apache MD5), `{PLAIN}`, `{SHA}`
/// and `{SSHA}` here; anything else goes to the system's crypt(3) as nginx does, which with Debian's libxcrypt covers
/// bcrypt (`$2y$`, `$2b$`), SHA-crypt (`$5$`, `$6$`), MD5-crypt (`$1$`) and DES. A hash crypt cannot read fails.
/// </summary>
internal static class PasswordHashes
{
    public static bool Verify(string password, string hash)
    {
        if (hash.StartsWith("$apr1$", StringComparison.Ordinal)) return FixedEquals(Md5Crypt.Hash(password, hash, "$apr1$"), hash);
        if (hash.StartsWith("{PLAIN}", StringComparison.Ordinal)) return FixedEquals(password, hash[7..]);
        if (hash.StartsWith("{SHA}", StringComparison.Ordinal))
            return FixedEquals(Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password))), hash[5..]);
        if (hash.StartsWith("{SSHA}", StringComparison.Ordinal)) return SaltedSha(password, hash[6..]);
        return Crypt(password, hash) is { } computed && FixedEquals(computed, hash);
    }

    static bool SaltedSha(string password, string encoded)
    {
        byte[] decoded;
        try { decoded = Convert.FromBase64String(encoded); }
        catch (FormatException) { return false; }
        if (decoded.Length <= 20) return false;
        var salted = Encoding.UTF8.GetBytes(password).Concat(decoded[20..]).ToArray();
        return CryptographicOperations.FixedTimeEquals(SHA1.HashData(salted), decoded.AsSpan(0, 20));
    }

    static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    static readonly Lock CryptLock = new();

    /// <summary>crypt(3) keeps its answer in a static buffer: one caller at a time. Null when the library is missing
    /// or the setting is not one it knows.</summary>
    static string? Crypt(string password, string setting)
    {
        try
        {
            lock (CryptLock)
            {
                var result = CryptNative(password, setting);
                var text = result == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(result);
                return text is null || text.StartsWith('*') ? null : text;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libcrypt.so.1", EntryPoint = "crypt")]
    static extern IntPtr CryptNative([MarshalAs(UnmanagedType.LPUTF8Str)] string phrase, [MarshalAs(UnmanagedType.LPUTF8Str)] string setting);
}
