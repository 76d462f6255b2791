using System.Security.Cryptography;
using Handshake.Plugins.Ed25519.Internal;

namespace Handshake.Plugins.Ed25519;

/// <summary>
/// MariaDB's ed25519 arithmetic, allocation-free: the key the server stores for a password, the
/// client's signature over the server's 32-byte scramble, and the server's check of it.
/// </summary>
/// <remarks>
/// <para>
/// The scheme is Ed25519 (RFC 8032 section 5.1) with the expanded secret key taken as
/// <c>az = SHA-512(password)</c> rather than SHA-512 of a 32-byte seed: <c>a</c> is <c>az[0..32]</c>
/// clamped, <c>A = a*B</c>, <c>r = SHA-512(az[32..64] || scramble) mod L</c>, <c>R = r*B</c>,
/// <c>k = SHA-512(R || A || scramble) mod L</c>, <c>S = (r + k*a) mod L</c>; the reply is
/// <c>R || S</c>. Such a signature is an ordinary Ed25519 signature under <c>A</c>, so the server
/// checks it with standard Ed25519 verification.
/// </para>
/// <para>
/// The curve operations are libsodium's (1.0.17 or later); when it cannot be loaded every method
/// here throws a <see cref="HandshakeException"/> with <see cref="AuthErrorCode.PluginFailure"/>
/// saying how to install it. Check <see cref="IsAvailable"/> or call <see cref="EnsureAvailable"/>
/// at start-up to find out early.
/// </para>
/// </remarks>
public static class Ed25519Signature
{
    /// <summary>The length of the server's scramble (MariaDB's <c>NONCE_BYTES</c>), in bytes.</summary>
    public const int ScrambleLength = MariaDbEd25519.MessageLength;

    /// <summary>The length of the client's reply, <c>R || S</c>, in bytes.</summary>
    public const int SignatureLength = MariaDbEd25519.SignatureLength;

    /// <summary>The length of the public key <c>A</c> the server stores, in bytes.</summary>
    public const int PublicKeyLength = Sodium.PointLength;

    /// <summary>The length of the expanded key <c>SHA-512(password)</c>, in bytes.</summary>
    public const int ExpandedKeyLength = MariaDbEd25519.ExpandedKeyLength;

    /// <summary>Gets a value indicating whether libsodium loaded and passed its known-answer test in this process.</summary>
    public static bool IsAvailable => Sodium.IsAvailable;

    /// <summary>Throws the typed error when libsodium cannot be used; does nothing otherwise.</summary>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.PluginFailure"/>: libsodium is missing, too old, or failed its self-test; the message says how to install it.</exception>
    public static void EnsureAvailable() => _ = Sodium.Require();

    /// <summary>Computes the public key <c>A</c> for a password (what MariaDB's <c>PASSWORD()</c> stores, before base64).</summary>
    /// <param name="password">The password's bytes (MariaDB hashes them as sent, UTF-8 for text).</param>
    /// <param name="destination">Where <c>A</c> goes; at least <see cref="PublicKeyLength"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    /// <exception cref="HandshakeException">libsodium is not available.</exception>
    public static void DerivePublicKey(ReadOnlySpan<byte> password, Span<byte> destination)
    {
        if (destination.Length < PublicKeyLength)
        {
            throw new ArgumentException($"The destination must hold {PublicKeyLength} bytes.", nameof(destination));
        }

        var sodium = Sodium.Require();
        Span<byte> expanded = stackalloc byte[ExpandedKeyLength];
        try
        {
            MariaDbEd25519.ExpandPassword(password, expanded);
            MariaDbEd25519.DerivePublicKey(sodium, expanded, destination[..PublicKeyLength]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expanded);
        }
    }

    /// <summary>Signs the server's scramble with a password (the client's whole reply).</summary>
    /// <param name="password">The password's bytes.</param>
    /// <param name="scramble">The server's <see cref="ScrambleLength"/>-byte scramble.</param>
    /// <param name="destination">Where <c>R || S</c> goes; at least <see cref="SignatureLength"/> bytes.</param>
    /// <exception cref="ArgumentException">The scramble is not <see cref="ScrambleLength"/> bytes, or <paramref name="destination"/> is too small.</exception>
    /// <exception cref="HandshakeException">libsodium is not available.</exception>
    public static void Sign(ReadOnlySpan<byte> password, ReadOnlySpan<byte> scramble, Span<byte> destination)
    {
        CheckSignArguments(scramble, destination);
        var sodium = Sodium.Require();
        Span<byte> expanded = stackalloc byte[ExpandedKeyLength];
        try
        {
            MariaDbEd25519.ExpandPassword(password, expanded);
            MariaDbEd25519.Sign(sodium, expanded, scramble, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expanded);
        }
    }

    /// <summary>
    /// Signs the server's scramble with the expanded key <c>SHA-512(password)</c>, so an application
    /// may keep that instead of the password (it is as good as the password for this protocol).
    /// </summary>
    /// <param name="expandedKey">The <see cref="ExpandedKeyLength"/>-byte SHA-512 of the password.</param>
    /// <param name="scramble">The server's <see cref="ScrambleLength"/>-byte scramble.</param>
    /// <param name="destination">Where <c>R || S</c> goes; at least <see cref="SignatureLength"/> bytes.</param>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    /// <exception cref="HandshakeException">libsodium is not available.</exception>
    public static void SignWithExpandedKey(ReadOnlySpan<byte> expandedKey, ReadOnlySpan<byte> scramble, Span<byte> destination)
    {
        if (expandedKey.Length != ExpandedKeyLength)
        {
            throw new ArgumentException($"The expanded key must be the {ExpandedKeyLength}-byte SHA-512 of the password.", nameof(expandedKey));
        }

        CheckSignArguments(scramble, destination);
        MariaDbEd25519.Sign(Sodium.Require(), expandedKey, scramble, destination);
    }

    /// <summary>Checks a client's reply with standard Ed25519 verification (RFC 8032 section 5.1.7).</summary>
    /// <param name="publicKey">The stored public key <c>A</c>, <see cref="PublicKeyLength"/> bytes.</param>
    /// <param name="scramble">The scramble the server sent.</param>
    /// <param name="signature">The client's reply; anything but <see cref="SignatureLength"/> bytes does not verify.</param>
    /// <returns>Whether the signature is valid.</returns>
    /// <exception cref="ArgumentException"><paramref name="publicKey"/> is not <see cref="PublicKeyLength"/> bytes.</exception>
    /// <exception cref="HandshakeException">libsodium is not available.</exception>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> scramble, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength)
        {
            throw new ArgumentException($"The public key must be {PublicKeyLength} bytes.", nameof(publicKey));
        }

        var sodium = Sodium.Require();
        return signature.Length == SignatureLength && sodium.Verify(signature, scramble, publicKey);
    }

    private static void CheckSignArguments(ReadOnlySpan<byte> scramble, Span<byte> destination)
    {
        if (scramble.Length != ScrambleLength)
        {
            throw new ArgumentException($"A MariaDB ed25519 scramble is {ScrambleLength} bytes; got {scramble.Length}.", nameof(scramble));
        }

        if (destination.Length < SignatureLength)
        {
            throw new ArgumentException($"The destination must hold {SignatureLength} bytes.", nameof(destination));
        }
    }
}
