using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// A <c>caching_sha2_password</c> account credential in Handshake's own stored form:
/// <c>$SHA2$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 PBKDF2-HMAC-SHA256(password, salt, iterations, 32)&gt;</c>,
/// or the empty string for an account without a password.
/// </summary>
/// <remarks>
/// This is not MySQL's <c>$A$005$</c> crypt format (SHA-256 crypt with 5000 rounds); a server only
/// needs some salted, slow hash to check the password received during full authentication, and
/// PBKDF2 comes from the BCL. The fast path never reads it: it uses the in-memory
/// <see cref="CachingSha2PasswordCache"/>. <see cref="ToString"/> never shows the hash.
/// </remarks>
public sealed class CachingSha2Credential
{
    /// <summary>The default PBKDF2 iteration count (MySQL's default caching_sha2 rounds are 5000 too).</summary>
    public const int DefaultIterations = 5000;

    /// <summary>The least iteration count accepted.</summary>
    public const int MinIterations = 1000;

    /// <summary>The greatest iteration count accepted (bounds the work a stored value can demand).</summary>
    public const int MaxIterations = 10_000_000;

    private const string Prefix = "$SHA2$";
    private const int SaltLength = 16;
    private const int HashLength = 32;
    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private CachingSha2Credential(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    /// <summary>Gets the PBKDF2 iteration count (0 for an account without a password).</summary>
    public int Iterations { get; }

    /// <summary>Gets a value indicating whether this is an account without a password.</summary>
    public bool IsEmpty => _hash.Length == 0;

    /// <summary>Creates the credential for a password, with a fresh salt.</summary>
    /// <param name="password">The password; an empty one gives the empty stored form.</param>
    /// <param name="random">Where the salt comes from; the operating system's CSPRNG when null.</param>
    /// <param name="iterations">The PBKDF2 iteration count.</param>
    /// <returns>The credential.</returns>
    public static CachingSha2Credential FromPassword(string password, IRandomSource? random = null, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        if (password.Length == 0)
        {
            return new CachingSha2Credential(0, [], []);
        }

        var salt = new byte[SaltLength];
        (random ?? SystemRandomSource.Instance).Fill(salt);
        var utf8 = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(password), pinned: true);
        try
        {
            _ = Encoding.UTF8.GetBytes(password, utf8);
            return new CachingSha2Credential(iterations, salt, Rfc2898DeriveBytes.Pbkdf2(utf8, salt, iterations, HashAlgorithmName.SHA256, HashLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>Parses the stored form.</summary>
    /// <param name="stored">The stored text.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.InvalidStoredCredential"/>: the text is not in this form.</exception>
    public static CachingSha2Credential Parse(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return TryParse(stored, out var credential)
            ? credential
            : throw new HandshakeException(
                AuthErrorCode.InvalidStoredCredential,
                $"A caching_sha2_password stored credential is empty or '$SHA2$<iterations {MinIterations}..{MaxIterations}>$<base64 salt>$<base64 32-byte hash>'; the one given is not in that form.",
                CachingSha2PluginNames.CachingSha2Password);
    }

    /// <summary>Parses the stored form.</summary>
    /// <param name="stored">The stored text.</param>
    /// <param name="credential">The credential, when the text is well formed.</param>
    /// <returns>Whether the text is well formed.</returns>
    public static bool TryParse([NotNullWhen(true)] string? stored, [NotNullWhen(true)] out CachingSha2Credential? credential)
    {
        credential = null;
        if (stored is null)
        {
            return false;
        }

        if (stored.Length == 0)
        {
            credential = new CachingSha2Credential(0, [], []);
            return true;
        }

        if (!stored.StartsWith(Prefix, StringComparison.Ordinal) || stored.Length > 256)
        {
            return false;
        }

        var parts = stored[Prefix.Length..].Split('$');
        if (parts.Length != 3
            || parts[0].Length is 0 or > 8
            || !parts[0].All(char.IsAsciiDigit)
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < MinIterations or > MaxIterations)
        {
            return false;
        }

        Span<byte> salt = stackalloc byte[64];
        var hash = new byte[HashLength + 3];
        if (!Convert.TryFromBase64String(parts[1], salt, out var saltLength) || saltLength < 8
            || !Convert.TryFromBase64String(parts[2], hash, out var hashLength) || hashLength != HashLength)
        {
            return false;
        }

        credential = new CachingSha2Credential(iterations, salt[..saltLength].ToArray(), hash[..HashLength]);
        return true;
    }

    /// <summary>Returns the stored form. Store it; do not log it (it allows an offline guessing attack).</summary>
    /// <returns>The stored form.</returns>
    public string Format() =>
        IsEmpty ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Iterations}${Convert.ToBase64String(_salt)}${Convert.ToBase64String(_hash)}");

    /// <summary>Wraps <see cref="Format"/> as a <see cref="StoredCredential"/> for a credential store.</summary>
    /// <returns>The stored credential.</returns>
    public StoredCredential ToStoredCredential() => StoredCredential.FromString(Format());

    /// <summary>Never shows the hash.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => IsEmpty ? "CachingSha2Credential(empty password)" : "CachingSha2Credential(redacted)";

    /// <summary>Checks a password (UTF-8) received during full authentication, in constant time.</summary>
    /// <param name="password">The password.</param>
    /// <returns>Whether it matches.</returns>
    internal bool Verify(ReadOnlySpan<byte> password)
    {
        if (IsEmpty)
        {
            return password.IsEmpty;
        }

        Span<byte> candidate = stackalloc byte[HashLength];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(password, _salt, candidate, Iterations, HashAlgorithmName.SHA256);
            return CryptographicOperations.FixedTimeEquals(candidate, _hash) && !password.IsEmpty;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
        }
    }
}
