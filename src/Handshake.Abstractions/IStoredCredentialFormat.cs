namespace Handshake;

/// <summary>
/// What a verifier package says about the stored credentials its verifier reads, so tools that load
/// users (a users file, an admin command, a fuzzer) ask the verifier's own package instead of keeping
/// a list: how to recognise a valid stored value and, for password methods, how to make one.
/// Registered with <c>AddCredentialFormat</c> and listed by <see cref="IHandshakeCatalog"/>.
/// </summary>
public interface IStoredCredentialFormat
{
    /// <summary>Gets the verifier (credential family) whose stored values these are, e.g. "SCRAM-SHA-256".</summary>
    string VerifierName { get; }

    /// <summary>Gets a description of a valid stored value for messages, never a real value (e.g. <c>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>).</summary>
    string Description { get; }

    /// <summary>
    /// Gets what a person calls the stored value when it is not a hash of a password (TOTP's
    /// "secret", key auth's "publicKey"), or null for password methods.
    /// </summary>
    string? ValueName => null;

    /// <summary>Gets a value indicating whether a stored value can be made from a password (<see cref="FromPassword"/>).</summary>
    bool CanDeriveFromPassword => false;

    /// <summary>Checks a stored value without keeping it; never echoes it.</summary>
    /// <param name="stored">The stored text.</param>
    /// <returns>Whether the verifier can read it.</returns>
    bool IsValid(string stored);

    /// <summary>Makes the stored value for a password (a fresh salt each call where the format has one).</summary>
    /// <param name="password">The password.</param>
    /// <param name="workFactor">The iteration count where the format has one; the format's default when null.</param>
    /// <returns>The stored value.</returns>
    /// <exception cref="NotSupportedException">The format is not made from a password (<see cref="CanDeriveFromPassword"/> is false).</exception>
    StoredCredential FromPassword(string password, int? workFactor = null) =>
        throw new NotSupportedException($"{VerifierName} stored credentials are not made from a password.");
}
