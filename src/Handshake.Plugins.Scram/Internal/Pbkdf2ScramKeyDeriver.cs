namespace Handshake.Plugins.Scram.Internal;

/// <summary>The real Hi(): PBKDF2 on the process's block-level digest (libcrypto's block function, or the BCL's PBKDF2 as fallback).</summary>
internal sealed class Pbkdf2ScramKeyDeriver : IScramKeyDeriver
{
    public static Pbkdf2ScramKeyDeriver Instance { get; } = new();

    public void DeriveSaltedPassword(ScramHash hash, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination) =>
        hash.Pbkdf2(preparedPassword, salt, iterations, destination);
}
