using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.Ed25519;

/// <summary>
/// A MariaDB ed25519 account credential as MariaDB keeps it in <c>authentication_string</c>: the
/// 32-byte public key <c>A</c> in base64 without padding, 43 characters (what
/// <c>CREATE USER ... IDENTIFIED VIA ed25519 USING PASSWORD('pw')</c> and <c>ed25519_password('pw')</c> print).
/// </summary>
/// <remarks>
/// The stored key is not password-equivalent (it cannot sign), but it is derived from the password
/// alone, without a salt, so whoever holds it can test password guesses offline. <see cref="ToString"/>
/// therefore never shows it; use <see cref="Format"/> when writing it to the credential store.
/// MariaDB's <c>CREATE USER</c> stores the empty string for <c>PASSWORD('')</c>, which no login
/// matches; <see cref="Parse"/> refuses it, and the verifier rejects such an account as
/// <see cref="AuthErrorCode.InvalidStoredCredential"/>.
/// </remarks>
public sealed class Ed25519Credential
{
    /// <summary>The length of the stored form: 32 bytes in unpadded base64.</summary>
    public const int FormattedLength = 43;

    private readonly byte[] _publicKey;

    private Ed25519Credential(byte[] publicKey) => _publicKey = publicKey;

    /// <summary>Gets the public key <c>A</c>.</summary>
    internal ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>Creates the credential for a password (MariaDB's <c>ed25519_password()</c>).</summary>
    /// <param name="password">The password; its UTF-8 bytes are hashed.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="HandshakeException">libsodium is not available.</exception>
    public static Ed25519Credential FromPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var utf8 = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(password), pinned: true);
        try
        {
            _ = Encoding.UTF8.GetBytes(password, utf8);
            return FromUtf8(utf8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>Creates the credential for a password given as bytes (MariaDB hashes the bytes the client sends).</summary>
    /// <param name="utf8Password">The password's bytes.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="HandshakeException">libsodium is not available.</exception>
    public static Ed25519Credential FromUtf8(ReadOnlySpan<byte> utf8Password)
    {
        var publicKey = new byte[Ed25519Signature.PublicKeyLength];
        Ed25519Signature.DerivePublicKey(utf8Password, publicKey);
        return new Ed25519Credential(publicKey);
    }

    /// <summary>Parses the stored form: 43 characters of unpadded base64 encoding 32 bytes.</summary>
    /// <param name="stored">The stored text.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.InvalidStoredCredential"/>: the text is not in this form.</exception>
    public static Ed25519Credential Parse(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return TryParse(stored, out var credential)
            ? credential
            : throw new HandshakeException(
                AuthErrorCode.InvalidStoredCredential,
                $"A MariaDB ed25519 stored credential is {FormattedLength} characters of unpadded base64 (a 32-byte public key); the one given has {stored.Length} characters and is not in that form.",
                Ed25519PluginNames.ClientEd25519);
    }

    /// <summary>Parses the stored form.</summary>
    /// <param name="stored">The stored text.</param>
    /// <param name="credential">The credential, when the text is well formed.</param>
    /// <returns>Whether the text is well formed (and canonical: re-encoding gives the same text).</returns>
    public static bool TryParse([NotNullWhen(true)] string? stored, [NotNullWhen(true)] out Ed25519Credential? credential)
    {
        credential = null;
        if (stored is null || stored.Length != FormattedLength)
        {
            return false;
        }

        Span<char> padded = stackalloc char[FormattedLength + 1];
        stored.CopyTo(padded);
        padded[^1] = '=';
        var publicKey = new byte[Ed25519Signature.PublicKeyLength];
        if (!Convert.TryFromBase64Chars(padded, publicKey, out var written) || written != publicKey.Length)
        {
            return false;
        }

        // The last character carries two unused bits; a non-zero pair is another spelling of the same key.
        var candidate = new Ed25519Credential(publicKey);
        if (!string.Equals(candidate.Format(), stored, StringComparison.Ordinal))
        {
            return false;
        }

        credential = candidate;
        return true;
    }

    /// <summary>Returns the stored form: base64 of the public key without padding, as MariaDB prints it.</summary>
    /// <returns>The stored form.</returns>
    public string Format() => Convert.ToBase64String(_publicKey).TrimEnd('=');

    /// <summary>Wraps <see cref="Format"/> as a <see cref="StoredCredential"/> for a credential store.</summary>
    /// <returns>The stored credential.</returns>
    public StoredCredential ToStoredCredential() => StoredCredential.FromString(Format());

    /// <summary>Never shows the key, which allows offline password guessing.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => "Ed25519Credential(redacted)";
}
