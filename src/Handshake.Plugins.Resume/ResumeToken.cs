using System.Security.Cryptography;

namespace Handshake.Plugins.Resume;

/// <summary>
/// An opaque resume token: <see cref="Length"/> random bytes that stand for one earlier, complete
/// login. A bearer secret: whoever holds it may resume once. The server keeps only its hash; the
/// client keeps it in an <see cref="IResumeTokenCache"/>. It never prints its value.
/// </summary>
public sealed class ResumeToken : IDisposable
{
    /// <summary>The token length in bytes (256 bits).</summary>
    public const int Length = 32;

    private readonly byte[] _value;

    /// <summary>Creates a token from its bytes (copied).</summary>
    /// <param name="value">Exactly <see cref="Length"/> bytes.</param>
    /// <exception cref="ArgumentException">The length is not <see cref="Length"/>.</exception>
    public ResumeToken(ReadOnlySpan<byte> value)
    {
        if (value.Length != Length)
        {
            throw new ArgumentException($"A resume token is {Length} bytes, not {value.Length}.", nameof(value));
        }

        _value = value.ToArray();
    }

    /// <summary>Gets the token bytes (a secret: never log them).</summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>Gets the family the token belongs to, when the issuer told (server side).</summary>
    public string? FamilyId { get; init; }

    /// <summary>Gets when the family ends at the latest (absolute lifetime), when the issuer told.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Compares the token bytes in constant time.</summary>
    /// <param name="other">The other token.</param>
    /// <returns>True when both hold the same bytes.</returns>
    public bool ValueEquals(ResumeToken? other) => other is not null && CryptographicOperations.FixedTimeEquals(_value, other._value);

    /// <summary>Wipes the token bytes.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_value);

    /// <summary>Never shows the value.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"ResumeToken(redacted{(FamilyId is null ? string.Empty : ", family " + FamilyId)}{(ExpiresAt is { } e ? ", expires " + e.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : string.Empty)})";
}
