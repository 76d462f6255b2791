namespace Handshake;

/// <summary>
/// A credential as the server keeps it (PostgreSQL's <c>SCRAM-SHA-256$...</c>, MySQL's <c>*HEX</c>,
/// a TOTP key, a public key). Some of these are secrets in their own right (a TOTP key; SCRAM's
/// ServerKey), so it never prints its value.
/// </summary>
public sealed class StoredCredential
{
    private StoredCredential(string value) => Value = value;

    /// <summary>Gets the stored text, in the verifier's own format.</summary>
    public string Value { get; }

    /// <summary>Wraps a stored credential string.</summary>
    /// <param name="value">The stored text.</param>
    /// <returns>The credential.</returns>
    public static StoredCredential FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new StoredCredential(value);
    }

    /// <summary>Never shows the value.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => "StoredCredential(redacted)";
}
