namespace Handshake.Plugins.Scram.Internal;

/// <summary>The real Hi(): <see cref="System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, int, System.Security.Cryptography.HashAlgorithmName)"/>.</summary>
internal sealed class Pbkdf2ScramKeyDeriver : IScramKeyDeriver
{
    public static Pbkdf2ScramKeyDeriver Instance { get; } = new();

    public void DeriveSaltedPassword(ScramHash hash, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination) =>
        hash.Pbkdf2(preparedPassword, salt, iterations, destination);
}
