using System.Text;
using Handshake.Mfa;
using Handshake.Plugins.Scram;

namespace Handshake.Plugins.MariaDbPam.Tests;

internal static class TestSupport
{
    /// <summary>RFC 6238 Appendix B's SHA-1 key, "12345678901234567890", in base32.</summary>
    public const string Rfc6238Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    public const string Password = "pam-pass-\u00e9";

    public static readonly TransportSecurity Tls = new() { IsEncrypted = true, IsCertificateVerified = true };

    public static StoredCredential ScramStored(string password) =>
        ScramCredential.Create(password, Encoding.ASCII.GetBytes("dialog-test-salt"), 4096).ToStoredCredential();

    public static StoredCredential PasswordAndCode(string password = Password, string secret = Rfc6238Secret) =>
        DialogCredential.Create(("password", ScramStored(password)), ("code", StoredCredential.FromString(secret))).ToStoredCredential();

    public static void PasswordThenCode(DialogVerifierOptions options)
    {
        options.Questions.Add(DialogQuestion.Password("password", "Password: ", "SCRAM-SHA-256"));
        options.Questions.Add(DialogQuestion.Verifier("code", TotpPluginNames.Totp));
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Question(byte type, string text) => [type, .. Encoding.UTF8.GetBytes(text)];
}
