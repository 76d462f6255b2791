namespace Handshake.Plugins.Scram.Internal;

/// <summary>The expensive step, Hi() (PBKDF2), behind a seam so tests can count how often it runs.</summary>
internal interface IScramKeyDeriver
{
    /// <summary>SaltedPassword = Hi(Normalize(password), salt, i) (RFC 5802 §3).</summary>
    void DeriveSaltedPassword(ScramHash hash, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination);
}
