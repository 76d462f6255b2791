using System.Security.Cryptography;

namespace Handshake.Plugins.Resume.Internal;

/// <summary>The store key of a token: SHA-256, or HMAC-SHA-256 under the server key; lower-case hex.</summary>
internal static class ResumeTokenHasher
{
    public static string Hash(ReadOnlySpan<byte> token, ReadOnlyMemory<byte>? key)
    {
        Span<byte> digest = stackalloc byte[32];
        if (key is { } k)
        {
            HMACSHA256.HashData(k.Span, token, digest);
        }
        else
        {
            SHA256.HashData(token, digest);
        }

        return Convert.ToHexStringLower(digest);
    }
}
