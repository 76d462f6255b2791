using Handshake.Plugins.Scram;
using Handshake.Testing.Conformance;
using static Handshake.Plugins.MariaDbPam.Tests.TestSupport;

namespace Handshake.Plugins.MariaDbPam.Tests;

/// <summary>mysql_clear_password over verified TLS, checked against a SCRAM verifier.</summary>
public sealed class ClearPasswordConformanceTests : AuthPluginConformanceTests
{
    protected override string PluginName => MariaDbPamPluginNames.ClearPassword;

    protected override IReadOnlyList<string> Secrets => [Password, "clear-wrong", ScramStored(Password).Value];

    protected override TransportSecurity Transport => Tls;

    protected override void Register(IHandshakeBuilder builder) => builder.AddClearPassword().AddScramVerifier().AddClearPasswordVerifier();

    protected override StoredCredential CreateStoredCredential() => ScramStored(Password);

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, Password);

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, "clear-wrong");
}
