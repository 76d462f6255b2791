using System.Security.Cryptography;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// Checks a plaintext password (SASL PLAIN) against a stored SCRAM credential of one family: SaltedPassword =
/// Hi(SASLprep(password), salt, i), ClientKey = HMAC(SaltedPassword, "Client Key"), and the password is
/// right when H(ClientKey) equals StoredKey (RFC 5802 §3). That costs one PBKDF2 per attempt, as a
/// client's SCRAM login costs the client; the server keeps no plaintext-equivalent.
/// </summary>
internal sealed class ScramPasswordChecker(ScramHash hash, IScramKeyDeriver deriver, Microsoft.Extensions.Options.IOptionsMonitor<ScramVerifierOptions> options) : IStoredPasswordChecker
{
    // Per-process key for unknown users' fake salts (the value never matters: the answer is false).
    private static readonly byte[] FakeSalt = RandomNumberGenerator.GetBytes(ScramCredential.DefaultSaltLength);

    public string CredentialFamily => hash.MechanismName;

    public bool Verify(StoredCredential? credential, ReadOnlySpan<byte> utf8Password)
    {
        var parsed = credential is null ? null : ScramCredential.Parse(credential.Value);
        if (parsed is not null && parsed.Hash != hash)
        {
            throw new HandshakeException(AuthErrorCode.InvalidStoredCredential, $"The stored credential is for {parsed.Mechanism}, but it was checked as {hash.MechanismName}.", hash.MechanismName);
        }

        var salt = parsed is null ? FakeSalt : parsed.Salt.Span;
        var iterations = parsed?.Iterations ?? options.Get(hash.MechanismName).UnknownUserIterations;
        var prepared = SaslPrep.PreparePassword(utf8Password);
        Span<byte> clientKey = stackalloc byte[hash.Length];
        Span<byte> serverKey = stackalloc byte[hash.Length];
        Span<byte> storedKey = stackalloc byte[hash.Length];
        try
        {
            ScramKeys.Derive(hash, deriver, prepared, salt, iterations, clientKey, serverKey);
            hash.Hash(clientKey, storedKey);

            // An unknown user compares against zeros, so both paths run the same comparison.
            Span<byte> expected = stackalloc byte[hash.Length];
            if (parsed is not null)
            {
                parsed.StoredKey.Span.CopyTo(expected);
            }

            var match = CryptographicOperations.FixedTimeEquals(storedKey, expected);
            return match && parsed is not null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prepared);
            CryptographicOperations.ZeroMemory(clientKey);
            CryptographicOperations.ZeroMemory(serverKey);
            CryptographicOperations.ZeroMemory(storedKey);
        }
    }
}
