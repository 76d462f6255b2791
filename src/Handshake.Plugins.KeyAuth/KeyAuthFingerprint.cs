using System.Security.Cryptography;
using Handshake.Plugins.KeyAuth.Internal;

namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// Identifies a public key: the OpenSSH SHA-256 fingerprint, i.e. SHA-256 of the key's SSH wire
/// blob (RFC 4253 §6.6 for <c>ssh-rsa</c>, RFC 5656 §3.1 for <c>ecdsa-sha2-nistp256/384</c>),
/// whatever form the key was loaded from (PEM or authorized_keys). Printed as OpenSSH prints it,
/// <c>SHA256:</c> and unpadded base64, so the output of <c>ssh-keygen -lf key.pub</c> can be pasted
/// into a revocation list as is. Fingerprints are public values.
/// </summary>
public sealed class KeyAuthFingerprint : IEquatable<KeyAuthFingerprint>
{
    /// <summary>The fingerprint length in bytes.</summary>
    public const int Length = 32;

    private const string Prefix = "SHA256:";
    private readonly byte[] _hash;

    private KeyAuthFingerprint(byte[] hash) => _hash = hash;

    /// <summary>Gets the 32 hash bytes, as sent on the wire.</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>Wraps 32 hash bytes.</summary>
    /// <param name="hash">The SHA-256 of the key's SSH blob.</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="ArgumentException">The length is not 32.</exception>
    public static KeyAuthFingerprint FromHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != Length)
        {
            throw new ArgumentException($"A key fingerprint is {Length} bytes, not {hash.Length}.", nameof(hash));
        }

        return new KeyAuthFingerprint(hash.ToArray());
    }

    /// <summary>Computes the fingerprint of an ECDSA P-256/P-384 or RSA public key.</summary>
    /// <param name="key">The key (only its public part is read).</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="ArgumentException">The key is not of a supported type.</exception>
    public static KeyAuthFingerprint FromPublicKey(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new KeyAuthFingerprint(SHA256.HashData(SshKeyBlob.Encode(key)));
    }

    /// <summary>Computes the fingerprint of an SSH public key blob (the base64 field of an authorized_keys line, decoded).</summary>
    /// <param name="sshPublicKeyBlob">The blob.</param>
    /// <returns>The fingerprint.</returns>
    public static KeyAuthFingerprint FromSshPublicKeyBlob(ReadOnlySpan<byte> sshPublicKeyBlob) => new(SHA256.HashData(sshPublicKeyBlob));

    /// <summary>Parses <c>SHA256:</c> followed by base64 (padded or not), as OpenSSH prints fingerprints.</summary>
    /// <param name="text">The text.</param>
    /// <param name="fingerprint">The fingerprint, when the text is one.</param>
    /// <returns>Whether the text is a fingerprint.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KeyAuthFingerprint? fingerprint)
    {
        fingerprint = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var body = text[Prefix.Length..].Trim().TrimEnd('=');
        if (body.Length != 43)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[Length + 2];
        if (!Convert.TryFromBase64String(body + "=", hash, out var written) || written != Length)
        {
            return false;
        }

        fingerprint = new KeyAuthFingerprint(hash[..Length].ToArray());
        return true;
    }

    /// <summary>Parses <c>SHA256:</c> followed by base64.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="FormatException">The text is not a fingerprint.</exception>
    public static KeyAuthFingerprint Parse(string text) =>
        TryParse(text, out var fingerprint) ? fingerprint : throw new FormatException("A key fingerprint is written 'SHA256:' followed by 43 base64 characters, as 'ssh-keygen -l' prints it.");

    /// <inheritdoc />
    public bool Equals(KeyAuthFingerprint? other) => other is not null && _hash.AsSpan().SequenceEqual(other._hash);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as KeyAuthFingerprint);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_hash, 0);

    /// <summary>Prints the fingerprint as OpenSSH does: <c>SHA256:</c> and unpadded base64.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Prefix + Convert.ToBase64String(_hash).TrimEnd('=');
}
