using System.Security.Cryptography;
using System.Text;

namespace Podway.Edge.Routing.Annotations;

/// <summary>Poul-Henning Kamp's MD5-crypt, with Apache's `$apr1$` magic (htpasswd -m): the 1000-round algorithm nginx
/// implements itself in ngx_crypt_apr1.</summary>
internal static class Md5Crypt
{
    const string Alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The full hash (`$apr1$salt$digest`) of <paramref name="password"/> with the salt of <paramref name="setting"/>.</summary>
    public static string Hash(string password, string setting, string magic)
    {
        var rest = setting[magic.Length..];
        var end = rest.IndexOf('$');
        var salt = (end < 0 ? rest : rest[..end]);
        if (salt.Length > 8) salt = salt[..8];
        var pw = Encoding.UTF8.GetBytes(password);
        var saltBytes = Encoding.UTF8.GetBytes(salt);
        var magicBytes = Encoding.UTF8.GetBytes(magic);

        var alternate = MD5.HashData([.. pw, .. saltBytes, .. pw]);
        var context = new List<byte>(pw.Length * 2 + 32);
        context.AddRange(pw);
        context.AddRange(magicBytes);
        context.AddRange(saltBytes);
        for (var left = pw.Length; left > 0; left -= 16) context.AddRange(alternate.AsSpan(0, Math.Min(16, left)).ToArray());
        for (var i = pw.Length; i != 0; i >>= 1) context.Add((i & 1) != 0 ? (byte)0 : (pw.Length > 0 ? pw[0] : (byte)0));
        var digest = MD5.HashData([.. context]);

        for (var round = 0; round < 1000; round++)
        {
            var step = new List<byte>(64);
            if ((round & 1) != 0) step.AddRange(pw); else step.AddRange(digest);
            if (round % 3 != 0) step.AddRange(saltBytes);
            if (round % 7 != 0) step.AddRange(pw);
            if ((round & 1) != 0) step.AddRange(digest); else step.AddRange(pw);
            digest = MD5.HashData([.. step]);
        }

        var text = new StringBuilder(magic).Append(salt).Append('$');
        Encode(text, digest[0], digest[6], digest[12], 4);
        Encode(text, digest[1], digest[7], digest[13], 4);
        Encode(text, digest[2], digest[8], digest[14], 4);
        Encode(text, digest[3], digest[9], digest[15], 4);
        Encode(text, digest[4], digest[10], digest[5], 4);
        Encode(text, 0, 0, digest[11], 2);
        return text.ToString();
    }

    static void Encode(StringBuilder text, byte b2, byte b1, byte b0, int count)
    {
        var value = (b2 << 16) | (b1 << 8) | b0;
        for (var i = 0; i < count; i++)
        {
            text.Append(Alphabet[value & 0x3f]);
            value >>= 6;
        }
    }
}
