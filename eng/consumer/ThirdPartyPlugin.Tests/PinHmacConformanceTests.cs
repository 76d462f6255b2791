using Contoso.Handshake.PinHmac;
using Handshake;
using Handshake.Testing.Conformance;

namespace Contoso.Handshake.PinHmac.Tests;

public sealed class PinHmacConformanceTests : AuthPluginConformanceTests
{
    protected override string PluginName => PinHmac.Name;

    protected override IReadOnlyList<string> Secrets => ["4711-right", "0815-wrong"];

    protected override void Register(IHandshakeBuilder builder) => builder.AddPinHmac();

    protected override StoredCredential CreateStoredCredential() => PinHmac.Store("4711-right");

    protected override AuthCredentials CreateGoodCredentials(string userName) => AuthCredentials.FromPasswords(userName, "4711-right");

    protected override AuthCredentials CreateBadCredentials(string userName) => AuthCredentials.FromPasswords(userName, "0815-wrong");
}
