using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>The real SHA-256: the block-level digest this process selected (libcrypto, or the BCL as fallback).</summary>
internal sealed class CachingSha2Hasher : ICachingSha2Hasher
{
    public static CachingSha2Hasher Instance { get; } = new();

    public void Sha256(ReadOnlySpan<byte> data, Span<byte> destination) => Digest.Sha256.Hash(data, destination);
}
