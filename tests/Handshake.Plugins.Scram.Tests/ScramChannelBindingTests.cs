using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram.Internal;
using static Handshake.Plugins.Scram.Tests.ScramTestSupport;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>tls-server-end-point (RFC 5929 §4.1) and the GS2 flag rules (RFC 5802 §6) on the client.</summary>
public sealed class ScramChannelBindingTests
{
    public static TheoryData<string, string?> SignatureAlgorithms => new()
    {
        { "1.2.840.113549.1.1.4", "SHA256" },   // md5WithRSA -> SHA-256
        { "1.2.840.113549.1.1.5", "SHA256" },   // sha1WithRSA -> SHA-256
        { "1.2.840.113549.1.1.11", "SHA256" },
        { "1.2.840.113549.1.1.12", "SHA384" },
        { "1.2.840.113549.1.1.13", "SHA512" },
        { "1.2.840.10045.4.1", "SHA256" },      // ecdsa-with-SHA1 -> SHA-256
        { "1.2.840.10045.4.3.2", "SHA256" },
        { "1.2.840.10045.4.3.3", "SHA384" },
        { "1.2.840.10045.4.3.4", "SHA512" },
        { "1.2.840.113549.1.1.10", "SHA256" },  // RSA-PSS, no parameters: hash DEFAULT sha1 -> SHA-256
        { "1.3.101.112", null },                // Ed25519: no single hash
        { "1.3.101.113", null },                // Ed448
        { "1.2.840.113549.1.1.14", null },      // sha224WithRSA: no SHA-224 here
        { "1.2.3.4", null },
    };

    [Theory]
    [MemberData(nameof(SignatureAlgorithms))]
    public void HashForSignatureAlgorithm_Oid_MapsPerRfc5929(string oid, string? expected)
    {
        Assert.Equal(expected, TlsServerEndPoint.HashForSignatureAlgorithm(oid)?.Name);
    }

    [Fact]
    public void Compute_RsaSha256Certificate_IsSha256OfDer()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA256);
        Assert.Equal(SHA256.HashData(cert.RawData), TlsServerEndPoint.Compute(cert));
    }

    [Fact]
    public void Compute_EcdsaSha384Certificate_IsSha384OfDer()
    {
        using var cert = EcdsaCertificate(HashAlgorithmName.SHA384);
        Assert.Equal(SHA384.HashData(cert.RawData), TlsServerEndPoint.Compute(cert));
    }

    [Fact]
    public void Compute_RsaPssSha384Certificate_UsesHashFromPssParameters()
    {
        using var cert = RsaCertificate(HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        Assert.Equal("1.2.840.113549.1.1.10", cert.SignatureAlgorithm.Value);
        Assert.Equal(SHA384.HashData(cert.RawData), TlsServerEndPoint.Compute(cert));
    }

    [Fact]
    public void Compute_RsaSha1Certificate_UsesSha256()
    {
        // CertificateRequest refuses SHA-1 now; a certificate claiming sha1WithRSAEncryption serves.
        using var cert = CertificateClaiming("1.2.840.113549.1.1.5");
        Assert.Equal(SHA256.HashData(cert.RawData), TlsServerEndPoint.Compute(cert));
    }

    [Fact]
    public void Compute_Ed25519Certificate_HasNoBinding()
    {
        using var cert = CertificateClaiming("1.3.101.112");
        Assert.Equal("1.3.101.112", cert.SignatureAlgorithm.Value);
        Assert.Null(TlsServerEndPoint.Compute(cert));
    }

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
