using System.Security.Cryptography;
using Handshake.Testing.Conformance;

namespace Handshake.Plugins.KeyAuth.Tests;

/// <summary>
/// The shared plugin rules, run against key auth. The factor's secret is the password of an
/// encrypted key ring: the right password unlocks the enrolled key, the wrong one a stray key the
/// server does not know, so "bad credentials" reach the server as a signature it must refuse.
/// </summary>
public sealed class KeyAuthConformanceTests : AuthPluginConformanceTests
{
    private const string EnrolledKeyPassword = "enrolled-key-passphrase";
    private const string StrayKeyPassword = "stray-key-passphrase";
    private static readonly string EnrolledPem = TestKeys.EncryptedPrivatePem(TestKeys.P256, EnrolledKeyPassword);
    private static readonly string StrayPem = TestKeys.EncryptedPrivatePem(TestKeys.OtherP256, StrayKeyPassword);

    protected override string PluginName => KeyAuthPluginNames.SshKeyAuth;

    protected override IReadOnlyList<string> Secrets => [EnrolledKeyPassword, StrayKeyPassword];

    protected override void Register(IHandshakeBuilder builder) =>
        builder.AddKeyAuth(o => o.KeySource = new KeyRing()).AddKeyAuthVerifier();

    protected override StoredCredential CreateStoredCredential() => StoredCredential.FromString(TestKeys.AuthorizedKeysLine(TestKeys.P256));

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, EnrolledKeyPassword);

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, StrayKeyPassword);

    /// <summary>Unlocks whichever key of the ring the factor's password opens.</summary>
    private sealed class KeyRing : IKeyAuthKeySource
    {
        public ValueTask<AsymmetricAlgorithm> GetKeyAsync(KeyAuthKeyRequest request, CancellationToken cancellationToken)
        {
            var secret = request.Context.RequireSecret();
            var password = new char[secret.CharCount];
            secret.CopyChars(password);
            var key = TryOpen(EnrolledPem, password) ?? TryOpen(StrayPem, password)
                ?? throw new HandshakeException(AuthErrorCode.KeyUnavailable, "No key of the ring opens with that password.");
            return ValueTask.FromResult<AsymmetricAlgorithm>(key);
        }

        private static ECDsa? TryOpen(string pem, char[] password)
        {
            ECDsa? key = ECDsa.Create();
            try
            {
                key.ImportFromEncryptedPem(pem, password);
                var opened = key;
                key = null;
                return opened;
            }
            catch (CryptographicException)
            {
                return null;
            }
            finally
            {
                key?.Dispose();
            }
        }
    }
}
