using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.NativePassword.Internal;

/// <summary>
/// The one place SHA-1 is called: mysql_native_password (Native41) is defined over SHA-1 and cannot use
/// another hash. Each of its three digests is a one-block message, so it goes to libcrypto's SHA-1
/// directly (no EVP setup per call), with the BCL as fallback.
/// </summary>
internal static class Native41Hash
{
    public static void Sha1(ReadOnlySpan<byte> source, Span<byte> destination) => Digest.Sha1.Hash(source, destination);
}
