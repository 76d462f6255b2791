namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>The SHA-256 the verifier's fast path runs, behind a seam so tests can count the work each path does.</summary>
internal interface ICachingSha2Hasher
{
    /// <summary>SHA-256(data) into <paramref name="destination"/>.</summary>
    void Sha256(ReadOnlySpan<byte> data, Span<byte> destination);
}
