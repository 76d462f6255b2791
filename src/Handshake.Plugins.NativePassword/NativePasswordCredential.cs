using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.NativePassword.Internal;

namespace Handshake.Plugins.NativePassword;

/// <summary>
/// A <c>mysql_native_password</c> account credential as MySQL keeps it in <c>authentication_string</c>:
/// <c>*</c> followed by 40 uppercase hex digits of <c>SHA1(SHA1(password))</c>, or the empty string
/// for an account without a password.
/// </summary>
/// <remarks>
/// For this protocol the stored hash is itself password-equivalent: anyone who holds it can compute
/// a valid response to any scramble. <see cref="ToString"/> therefore never shows it; use
/// <see cref="Format"/> explicitly when writing it to the credential store.
/// </remarks>
public sealed class NativePasswordCredential
{
    private const int HashLength = 20;
    private const int FormattedLength = 1 + (2 * HashLength);
    private readonly byte[] _hash;

    private NativePasswordCredential(byte[] hash) => _hash = hash;

    /// <summary>Gets a value indicating whether this is an account without a password (the stored form is the empty string).</summary>
    public bool IsEmpty => _hash.Length == 0;

    /// <summary>Gets <c>SHA1(SHA1(password))</c>, or an empty span for an account without a password.</summary>
    internal ReadOnlySpan<byte> DoubleHash => _hash;

    /// <summary>Creates the credential for a password (MySQL's <c>PASSWORD()</c>).</summary>
    /// <param name="password">The password; an empty one gives the empty stored form.</param>
    /// <returns>The credential.</returns>
    public static NativePasswordCredential FromPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var byteCount = Encoding.UTF8.GetByteCount(password);
        var utf8 = GC.AllocateArray<byte>(byteCount, pinned: true);
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

    /// <summary>Creates the credential for a password given as UTF-8 bytes.</summary>
    /// <param name="utf8Password">The password's UTF-8 bytes; an empty one gives the empty stored form.</param>
    /// <returns>The credential.</returns>
    public static NativePasswordCredential FromUtf8(ReadOnlySpan<byte> utf8Password)
    {
        if (utf8Password.IsEmpty)
        {
            return new NativePasswordCredential([]);
        }

        Span<byte> stage1 = stackalloc byte[HashLength];
        var hash = new byte[HashLength];
        Native41Hash.Sha1(utf8Password, stage1);
        Native41Hash.Sha1(stage1, hash);
        CryptographicOperations.ZeroMemory(stage1);
        return new NativePasswordCredential(hash);
    }

    /// <summary>Parses the stored form: the empty string, or <c>*</c> and 40 hex digits (either case; MySQL writes uppercase).</summary>
    /// <param name="stored">The stored text.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.InvalidStoredCredential"/>: the text is not in this form.</exception>
    public static NativePasswordCredential Parse(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return TryParse(stored, out var credential)
            ? credential
            : throw new HandshakeException(
                AuthErrorCode.InvalidStoredCredential,
                $"A mysql_native_password stored credential is empty or '*' followed by 40 hex digits; the one given has {stored.Length} characters and is not in that form.",
                NativePasswordPluginNames.MySqlNativePassword);
    }

    /// <summary>Parses the stored form.</summary>
    /// <param name="stored">The stored text.</param>
    /// <param name="credential">The credential, when the text is well formed.</param>
    /// <returns>Whether the text is well formed.</returns>
    public static bool TryParse([NotNullWhen(true)] string? stored, [NotNullWhen(true)] out NativePasswordCredential? credential)
    {
        credential = null;
        if (stored is null)
        {
            return false;
        }

        if (stored.Length == 0)
        {
            credential = new NativePasswordCredential([]);
            return true;
        }

        if (stored.Length != FormattedLength || stored[0] != '*')
        {
            return false;
        }

        var hash = new byte[HashLength];
        if (Convert.FromHexString(stored.AsSpan(1), hash, out _, out var written) != System.Buffers.OperationStatus.Done || written != HashLength)
        {
            return false;
        }

        credential = new NativePasswordCredential(hash);
        return true;
    }

    /// <summary>Returns the stored form (<c>*HEX</c> or empty). It is password-equivalent for this protocol: store it, never log it.</summary>
    /// <returns>The stored form.</returns>
    public string Format() => IsEmpty ? string.Empty : "*" + Convert.ToHexString(_hash);

    /// <summary>Wraps <see cref="Format"/> as a <see cref="StoredCredential"/> for a credential store.</summary>
    /// <returns>The stored credential.</returns>
    public StoredCredential ToStoredCredential() => StoredCredential.FromString(Format());

    /// <summary>Never shows the stored hash, which is password-equivalent.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => IsEmpty ? "NativePasswordCredential(empty password)" : "NativePasswordCredential(redacted)";
}
