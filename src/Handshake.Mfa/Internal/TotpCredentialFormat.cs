namespace Handshake.Mfa.Internal;

/// <summary>The stored form the TOTP verifier reads (a base32 secret or an otpauth:// URI), for the catalogue.</summary>
internal sealed class TotpCredentialFormat(string verifierName) : IStoredCredentialFormat
{
    public string VerifierName => verifierName;

    public string Description => "a base32 TOTP secret or otpauth:// URI (RFC 6238; as an authenticator app's QR code holds it)";

    public string? ValueName => "secret";

    public bool IsValid(string stored)
    {
        using var key = TotpKey.TryParse(stored, TotpParameters.Default, out _);
        return key is not null;
    }
}
