using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Handshake.Plugins.NativePassword.Internal;

/// <summary>The one place SHA-1 is called: mysql_native_password (Native41) is defined over SHA-1 and cannot use another hash.</summary>
internal static class Native41Hash
{
    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "mysql_native_password is defined by MySQL over SHA-1; interoperability requires it. Use caching_sha2_password where a stronger method is possible.")]
    public static void Sha1(ReadOnlySpan<byte> source, Span<byte> destination) => _ = SHA1.HashData(source, destination);
}
