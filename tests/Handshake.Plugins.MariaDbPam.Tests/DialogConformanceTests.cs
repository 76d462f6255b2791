using Handshake.Mfa;
using Handshake.Plugins.Scram;
using Handshake.Testing.Conformance;
using static Handshake.Plugins.MariaDbPam.Tests.TestSupport;

namespace Handshake.Plugins.MariaDbPam.Tests;

/// <summary>dialog asking a password (checked against a SCRAM verifier) and then a TOTP code (checked by Handshake.Mfa's verifier).</summary>
public sealed class DialogConformanceTests : AuthPluginConformanceTests
{
    protected override string PluginName => MariaDbPamPluginNames.Dialog;

    protected override IReadOnlyList<string> Secrets => [Password, "pam-wrong", Rfc6238Secret, PasswordAndCode().Value];

    // The answers travel in the clear: both ends need a transport safe for cleartext.
    protected override TransportSecurity Transport => Tls;

    protected override void Register(IHandshakeBuilder builder) =>
        builder.AddDialog().AddTotp().AddScramVerifier().AddTotpVerifier().AddDialogVerifier(PasswordThenCode);

    protected override StoredCredential CreateStoredCredential() => PasswordAndCode();

    protected override AuthCredentials CreateGoodCredentials(string userName) => new(userName, AuthSecret.FromPassword(Password), AuthSecret.FromPassword(Rfc6238Secret));

    protected override AuthCredentials CreateBadCredentials(string userName) => new(userName, AuthSecret.FromPassword("pam-wrong"), AuthSecret.FromPassword(Rfc6238Secret));
}
