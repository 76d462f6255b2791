using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Handshake.Plugins.KeyAuth;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Hardening.Tests;

/// <summary>
/// Every plugin that binds to the TLS channel binds to the same tls-server-end-point data (RFC 5929
/// §4.1), on real certificates of each signature family: SCRAM-SHA-256-PLUS and key auth both log in,
/// and the bytes each binds equal the hash of the certificate's DER computed here independently.
/// </summary>
public sealed class ChannelBindingAgreementTests
{
    private const string User = "alice";
    private const string Password = "pencil-for-binding";

    public static TheoryData<string, string> Certificates() => new()
    {
        { "rsa-pss", "SHA256" },
        { "rsa-pss", "SHA384" },
        { "rsa-pss", "SHA512" },
        { "rsa-pkcs1", "SHA384" },
        { "rsa-pkcs1", "SHA512" },
        { "ecdsa", "SHA256" },
        { "ecdsa", "SHA384" },
        { "ecdsa", "SHA512" },
    };

    [Theory]
    [MemberData(nameof(Certificates))]
    public async Task ScramPlusAndKeyAuth_RealCertificate_BothBindToTheSameHash(string family, string hash)
    {
        using var cert = Create(family, new HashAlgorithmName(hash));
        var expected = IndependentHash(hash, cert.RawData);
        var tls = TestCertificates.Tls(cert);

        Assert.Equal(expected, tls.GetTlsServerEndPointBinding());
        Assert.Equal(expected, await ScramPlusBindingAsync(tls));
        Assert.Equal(expected, await KeyAuthBindingAsync(tls));
    }

    private static X509Certificate2 Create(string family, HashAlgorithmName hash)
    {
        var now = DateTimeOffset.UtcNow;
        if (family == "ecdsa")
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            return new CertificateRequest("CN=localhost", ec, hash).CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        }

        using var rsa = RSA.Create(2048);
        var padding = family == "rsa-pss" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var cert = new CertificateRequest("CN=localhost", rsa, hash, padding).CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        if (family == "rsa-pss")
        {
            Assert.Equal("1.2.840.113549.1.1.10", cert.SignatureAlgorithm.Value); // id-RSASSA-PSS: the hash is in its parameters
        }

        return cert;
    }

    private static byte[] IndependentHash(string hash, byte[] der) => hash switch
    {
        "SHA256" => SHA256.HashData(der),
        "SHA384" => SHA384.HashData(der),
        _ => SHA512.HashData(der),
    };

    /// <summary>Runs SCRAM-SHA-256-PLUS to success and returns the binding data the client sent in c= (RFC 5802 §7).</summary>
    private static async Task<byte[]> ScramPlusBindingAsync(TransportSecurity tls)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .AddScram(o => o.ChannelBinding = ScramChannelBinding.Require)
            .AddScramVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create(Password, RandomNumberGenerator.GetBytes(16), 4096).ToStoredCredential())));
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, tls);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(tls, AcceptorStartMode.Offer);
        using var connection = InMemoryAuthConnection.Create(tls);
        var sent = new List<byte[]>();

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, User, inner => new Capturing(inner, sent));

        Assert.True(result.Succeeded, result.ClientError?.Message ?? result.ServerFailureReason.ToString());
        Assert.Equal("SCRAM-SHA-256-PLUS", result.ClientResult!.Factors[0].PluginName);
        var clientFinal = Encoding.ASCII.GetString(sent[^1]);
        var c = clientFinal.Split(',').Single(a => a.StartsWith("c=", StringComparison.Ordinal))[2..];
        var header = "p=" + TransportSecurity.TlsServerEndPointType + ",,";
        var decoded = Convert.FromBase64String(c);
        Assert.Equal(header, Encoding.ASCII.GetString(decoded, 0, header.Length));
        return decoded[header.Length..];
    }

    /// <summary>Runs key auth to success and returns the binding data its signed bytes carry (type 1, KeyAuthSignedData's layout).</summary>
    private static async Task<byte[]> KeyAuthBindingAsync(TransportSecurity tls)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .AddKeyAuth(o => o.PrivateKeyPem = key.ExportPkcs8PrivateKeyPem())
            .AddKeyAuthVerifier()
            .AddAcceptor(o => o.DefaultPlugin = KeyAuthPluginNames.SshKeyAuth)
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy(KeyAuthPluginNames.SshKeyAuth, StoredCredential.FromString(key.ExportSubjectPublicKeyInfoPem()))));
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords(User);
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, tls);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(tls);
        using var connection = InMemoryAuthConnection.Create(tls);

        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, User);

        Assert.True(result.Succeeded, result.ClientError?.Message ?? result.ServerFailureReason.ToString());
        // KeyAuthSignedData's layout: the binding data is the last field, after its type byte (1) and u16 length.
        var signed = KeyAuthSignedData.Build(KeyAuthPluginNames.SshKeyAuth, User, 1, new byte[32], tls);
        var at = 1 + 1 + KeyAuthSignedData.Domain.Length + 2 + KeyAuthPluginNames.SshKeyAuth.Length + 2 + User.Length + 1 + 2 + 32;
        Assert.Equal(1, signed[at]);
        Assert.Equal(signed.Length - at - 3, (signed[at + 1] << 8) | signed[at + 2]);
        return signed[(at + 3)..];
    }

    private sealed class Capturing(IAuthTransport inner, List<byte[]> sent) : IAuthTransport
    {
        public TransportSecurity Security => inner.Security;

        public ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken) => inner.ReceiveAsync(cancellationToken);

        public ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken)
        {
            sent.Add(message.Data.ToArray());
            return inner.SendAsync(message, cancellationToken);
        }
    }
}
