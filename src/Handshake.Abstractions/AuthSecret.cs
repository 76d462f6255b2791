using System.Security.Cryptography;
using System.Text;

namespace Handshake;

/// <summary>
/// A secret for one factor (a password, a pre-hashed password, a shared key), held in a pinned
/// buffer that is zeroed by <see cref="Dispose"/>. It never prints its content.
/// </summary>
public sealed class AuthSecret : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _bytes;
    private readonly PassThroughCredential? _passThrough;
    private bool _disposed;

    private AuthSecret(byte[] bytes, AuthSecretKind kind)
    {
        _bytes = bytes;
        Kind = kind;
    }

    private AuthSecret(PassThroughCredential passThrough)
    {
        _passThrough = passThrough;
        _bytes = [];
        Kind = AuthSecretKind.PassThrough;
    }

    /// <summary>Gets what the bytes are.</summary>
    public AuthSecretKind Kind { get; }

    /// <summary>Gets the number of bytes (UTF-8 bytes for text; the key's for a pass-through secret).</summary>
    public int Length => _passThrough is { } p ? p.Key.Length : _bytes.Length;

    /// <summary>Gets a value indicating whether the secret is empty (an empty password).</summary>
    public bool IsEmpty => Length == 0;

    /// <summary>Gets the secret's bytes (UTF-8 for text; <see cref="PassThroughCredential.Key"/> for a pass-through secret). Valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The secret was disposed.</exception>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _passThrough is { } p ? p.Key : _bytes;
        }
    }

    /// <summary>Gets, for a <see cref="AuthSecretKind.PassThrough"/> secret, the recovered key with its verifier's parameters; null otherwise.</summary>
    /// <exception cref="ObjectDisposedException">The secret was disposed.</exception>
    public PassThroughCredential? PassThrough
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _passThrough;
        }
    }

    /// <summary>Gets the number of UTF-16 chars of a text secret.</summary>
    public int CharCount => Kind == AuthSecretKind.Text ? StrictUtf8.GetCharCount(Bytes) : throw new InvalidOperationException("A binary secret has no text form.");

    /// <summary>Creates a text secret from a password.</summary>
    /// <param name="password">The password; its UTF-8 form is kept.</param>
    /// <returns>The secret.</returns>
    public static AuthSecret FromPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return FromPassword(password.AsSpan());
    }

    /// <summary>Creates a text secret from a password held in chars (which the caller may wipe afterwards).</summary>
    /// <param name="password">The password.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="ArgumentException">The chars are not valid UTF-16 (a lone surrogate).</exception>
    public static AuthSecret FromPassword(ReadOnlySpan<char> password)
    {
        int count;
        try
        {
            count = StrictUtf8.GetByteCount(password);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException("The password is not valid UTF-16 text (it contains a lone surrogate).", nameof(password));
        }

        var bytes = GC.AllocateArray<byte>(count, pinned: true);
        StrictUtf8.GetBytes(password, bytes);
        return new AuthSecret(bytes, AuthSecretKind.Text);
    }

    /// <summary>Creates a text secret from UTF-8 bytes.</summary>
    /// <param name="utf8Password">The password's UTF-8 bytes; copied.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="ArgumentException">The bytes are not valid UTF-8.</exception>
    public static AuthSecret FromUtf8(ReadOnlySpan<byte> utf8Password)
    {
        try
        {
            _ = StrictUtf8.GetCharCount(utf8Password);
        }
        catch (DecoderFallbackException)
        {
            throw new ArgumentException("The password bytes are not valid UTF-8.", nameof(utf8Password));
        }

        return new AuthSecret(Copy(utf8Password), AuthSecretKind.Text);
    }

    /// <summary>Creates a binary secret (a pre-hashed password, a shared key).</summary>
    /// <param name="secret">The bytes; copied.</param>
    /// <returns>The secret.</returns>
    public static AuthSecret FromBytes(ReadOnlySpan<byte> secret) => new(Copy(secret), AuthSecretKind.Binary);

    /// <summary>
    /// Creates a secret that logs in with a key recovered from another login in place of the password
    /// (a proxy's pass-through). Only the client plugin of the key's mechanism receives it.
    /// </summary>
    /// <param name="credential">The recovered key; copied, so the caller disposes its own instance when it likes.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="ObjectDisposedException">The credential was disposed.</exception>
    public static AuthSecret FromPassThrough(PassThroughCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new AuthSecret(credential.Clone());
    }

    /// <summary>Decodes a text secret into <paramref name="destination"/>, which must hold <see cref="CharCount"/> chars.</summary>
    /// <param name="destination">Where the chars go; the caller wipes it when done.</param>
    /// <returns>The number of chars written.</returns>
    public int CopyChars(Span<char> destination)
    {
        if (Kind != AuthSecretKind.Text)
        {
            throw new InvalidOperationException("A binary secret has no text form.");
        }

        return StrictUtf8.GetChars(Bytes, destination);
    }

    /// <summary>Zeroes the secret. Later reads throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_bytes);
            _passThrough?.Dispose();
            _disposed = true;
        }
    }

    /// <summary>Never shows the secret.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => Kind switch
    {
        AuthSecretKind.Text => "AuthSecret(text, redacted)",
        AuthSecretKind.PassThrough => "AuthSecret(pass-through " + _passThrough!.Mechanism + ", redacted)",
        _ => "AuthSecret(binary, redacted)",
    };

    private static byte[] Copy(ReadOnlySpan<byte> source)
    {
        var bytes = GC.AllocateArray<byte>(source.Length, pinned: true);
        source.CopyTo(bytes);
        return bytes;
    }
}
