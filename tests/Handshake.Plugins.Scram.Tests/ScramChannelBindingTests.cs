using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram.Internal;
using static Handshake.Plugins.Scram.Tests.ScramTestSupport;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>tls-server-end-point (RFC 5929 §4.1) and the GS2 flag rules (RFC 5802 §6) on the client.</summary>
public sealed class ScramChannelBindingTests
{
    [Fact]
    public void Start_PlusWithEd25519CertificateUnderRequire_ThrowsChannelBindingFailure()
    {
        using var cert = CertificateClaiming("1.3.101.112");
        var ex = Assert.Throws<HandshakeException>(() => Client("user", "pencil", "abc", plus: true, options: new ScramOptions { ChannelBinding = ScramChannelBinding.Require }, transport: Tls(cert)));
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, ex.Code);
        Assert.Contains("RFC 5929", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_PlainUnderRequireWithEd25519Certificate_ThrowsChannelBindingFailure()
    {
        // Never a silent downgrade: the plain mechanism is refused too.
        using var cert = CertificateClaiming("1.3.101.112");
        var ex = Assert.Throws<HandshakeException>(() => Client("user", "pencil", "abc", options: new ScramOptions { ChannelBinding = ScramChannelBinding.Require }, transport: Tls(cert)));
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, ex.Code);
    }

    [Fact]
    public void Start_PlusOverPlainTransport_ThrowsChannelBindingFailure()
    {
        var ex = Assert.Throws<HandshakeException>(() => Client("user", "pencil", "abc", plus: true));
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, ex.Code);
    }

    [Fact]
    public void Start_PlusWhenBindingDisabled_ThrowsChannelBindingFailure()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        var ex = Assert.Throws<HandshakeException>(() => Client("user", "pencil", "abc", plus: true, options: new ScramOptions { ChannelBinding = ScramChannelBinding.Disable }, transport: Tls(cert)));
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, ex.Code);
    }

    [Theory]
    [InlineData(ScramChannelBinding.Prefer, true, "y,,n=user,r=abc")]
    [InlineData(ScramChannelBinding.Disable, true, "n,,n=user,r=abc")]
    [InlineData(ScramChannelBinding.Prefer, false, "n,,n=user,r=abc")]
    public async Task RespondAsync_PlainMechanism_Gs2FlagReflectsWhetherClientCouldBind(ScramChannelBinding binding, bool tls, string expected)
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        using var exchange = Client("user", "pencil", "abc", options: new ScramOptions { ChannelBinding = binding }, transport: tls ? Tls(cert) : null);
        Assert.Equal(expected, await SendAsync(exchange, string.Empty));
    }

    [Fact]
    public async Task RespondAsync_PlainChosenWhilePlusOffered_SendsN()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        var context = ClientContext("SCRAM-SHA-256", "user", "pencil", Tls(cert));
        context = new AuthExchangeContext(context.PluginName, 1, context.Credentials, context.Transport, context.SecurityPolicy) { OfferedMechanisms = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"] };
        using var exchange = new ScramClientExchange(context, ScramHash.Sha256, plus: false, new ScramOptions(), null, Pbkdf2ScramKeyDeriver.Instance, _ => "abc");
        Assert.Equal("n,,n=user,r=abc", await SendAsync(exchange, string.Empty));
    }

    [Fact]
    public async Task RespondAsync_Plus_SendsPFlagAndCertificateHashInC()
    {
        using var cert = EcdsaCertificate(HashAlgorithmName.SHA384);
        using var exchange = Client("user", "pencil", "abc", plus: true, transport: Tls(cert));
        Assert.Equal("p=tls-server-end-point,,n=user,r=abc", await SendAsync(exchange, string.Empty));
        var final = await SendAsync(exchange, "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        var expectedC = Convert.ToBase64String([.. Encoding.ASCII.GetBytes("p=tls-server-end-point,,"), .. SHA384.HashData(cert.RawData)]);
        Assert.StartsWith($"c={expectedC},r=abcdef,p=", final, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOfferPreference_Transports_PlusPreferredOnlyWhenBindable()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        using var ed = CertificateClaiming("1.3.101.112");
        var prefer = new ScramOptions();
        var require = new ScramOptions { ChannelBinding = ScramChannelBinding.Require };
        var disable = new ScramOptions { ChannelBinding = ScramChannelBinding.Disable };
        static int Rank(ScramOptions o, bool plus, TransportSecurity t) =>
            new ScramClientMechanism(ScramHash.Sha256, plus, o, null, Pbkdf2ScramKeyDeriver.Instance).GetOfferPreference(ClientContext(plus ? "SCRAM-SHA-256-PLUS" : "SCRAM-SHA-256", "u", "p", t));

        Assert.True(Rank(prefer, true, Tls(cert)) > Rank(prefer, false, Tls(cert)));
        Assert.True(Rank(prefer, false, Tls(cert)) >= 0);
        Assert.True(Rank(prefer, true, TransportSecurity.None) < 0);
        Assert.True(Rank(prefer, true, Tls(ed)) < 0);
        Assert.True(Rank(require, false, Tls(cert)) < 0);
        Assert.True(Rank(require, true, Tls(cert)) >= 0);
        Assert.True(Rank(disable, true, Tls(cert)) < 0);
        Assert.True(Rank(disable, false, Tls(cert)) >= 0);
    }
}
