using System.Security.Cryptography;
using System.Text;

namespace Handshake.Fuzz.Targets;

/// <summary>
/// A password checker that accepts exactly the stored bytes, for fuzzing a plaintext verifier's parsing:
/// SCRAM's checker applies SASLprep (RFC 4013), which rightly accepts other spellings of the same password
/// (a soft hyphen maps to nothing) and would read as "accepted a mutated message".
/// </summary>
internal sealed class ExactPasswordChecker : IStoredPasswordChecker
{
    public const string Family = "fuzz-exact";

    public string CredentialFamily => Family;

    public bool Verify(StoredCredential? credential, ReadOnlySpan<byte> utf8Password)
    {
        var expected = Encoding.UTF8.GetBytes(credential?.Value ?? string.Empty);
        return credential is not null && CryptographicOperations.FixedTimeEquals(expected, utf8Password);
    }
}
