using System.Security.Cryptography;

namespace Handshake.Plugins.KeyAuth.Tests;

/// <summary>What is signed binds the context: change any piece and the signature no longer verifies.</summary>
public sealed class KeyAuthBindingTests
{
    private static readonly KeyAuthPlugin Plugin = new(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256) });
    private static readonly KeyAuthVerifier Verifier = new(new KeyAuthVerifierOptions());
    private static readonly string Stored = TestKeys.PublicPem(TestKeys.P256);

    [Fact]
    public async Task Verify_MatchingContext_Accepts()
    {
        var step = await Direct.RunAsync(Plugin, Direct.ClientContext(), Verifier, Direct.ServerContext(Stored));

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }

    [Fact]
    public async Task Verify_TamperedChallenge_RejectsInvalidCredential()
    {
        var step = await Direct.RunAsync(Plugin, Direct.ClientContext(), Verifier, Direct.ServerContext(Stored), tamperServer: data =>
        {
            var copy = (byte[])data.Clone();
            copy[^1] ^= 0x01;
            return copy;
        });

        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task Verify_SignedForAnotherUser_RejectsInvalidCredential()
    {
        // bob's signature presented as alice's, even though alice holds the same key.
        var step = await Direct.RunAsync(Plugin, Direct.ClientContext(user: "bob"), Verifier, Direct.ServerContext(Stored, user: "alice"));

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task Verify_SignedForAnotherFactorIndex_RejectsInvalidCredential()
    {
        var step = await Direct.RunAsync(Plugin, Direct.ClientContext(factor: 2), Verifier, Direct.ServerContext(Stored, factor: 1));

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task Verify_SignedForAnotherPluginName_RejectsInvalidCredential()
    {
        var step = await Direct.RunAsync(Plugin, Direct.ClientContext(plugin: "other-key-auth"), Verifier, Direct.ServerContext(Stored));

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task Verify_ClientSawAnotherServerCertificate_RejectsInvalidCredential()
    {
        // A man in the middle terminating TLS shows the client its own certificate.
        using var real = TestKeys.SelfSignedCertificate(HashAlgorithmName.SHA256, "CN=real");
        using var mitm = TestKeys.SelfSignedCertificate(HashAlgorithmName.SHA256, "CN=mitm");
        var clientSide = new TransportSecurity { IsEncrypted = true, ServerCertificate = mitm };
        var serverSide = new TransportSecurity { IsEncrypted = true, ServerCertificate = real };

        var step = await Direct.RunAsync(Plugin, Direct.ClientContext(transport: clientSide), Verifier, Direct.ServerContext(Stored, transport: serverSide));

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task Verify_ServerHasCertificateButClientSawNone_RejectsInvalidCredential()
    {
        using var cert = TestKeys.SelfSignedCertificate(HashAlgorithmName.SHA256);

        var step = await Direct.RunAsync(Plugin, Direct.ClientContext(), Verifier, Direct.ServerContext(Stored, transport: new TransportSecurity { IsEncrypted = true, ServerCertificate = cert }));

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public void Build_Layout_MatchesDocumentedBytes()
    {
        var challenge = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        var data = KeyAuthSignedData.Build("ssh-key-auth", "al", 2, challenge, TransportSecurity.None);

        byte[] expected =
        [
            0x01, 18, .. "handshake-key-auth"u8,
            0x00, 12, .. "ssh-key-auth"u8,
            0x00, 2, .. "al"u8,
            0x02,
            0x00, 32, .. challenge,
            0x00, 0x00, 0x00,
        ];
        Assert.Equal(expected, data);
    }

    [Theory]
    [InlineData("SHA256", 32)]
    [InlineData("SHA384", 48)]
    [InlineData("SHA512", 64)]
    public void Build_WithCertificate_AppendsTlsServerEndPointHashOfCertificateHash(string hash, int length)
    {
        var name = new HashAlgorithmName(hash);
        using var cert = TestKeys.SelfSignedCertificate(name);
        byte[] expectedHash = hash switch
        {
            "SHA256" => SHA256.HashData(cert.RawData),
            "SHA384" => SHA384.HashData(cert.RawData),
            _ => SHA512.HashData(cert.RawData),
        };

        var data = KeyAuthSignedData.Build("ssh-key-auth", "alice", 1, new byte[32], new TransportSecurity { IsEncrypted = true, ServerCertificate = cert });

        Assert.Equal([0x01, 0x00, (byte)length, .. expectedHash], data[^(3 + length)..]);
    }

    [Fact]
    public void Build_CertificateSignedWithSha1_UsesSha256()
    {
        // RFC 5929 §4.1: MD5 and SHA-1 are replaced by SHA-256. The BCL refuses to make SHA-1
        // certificates, so this one was made with 'openssl req -x509 -sha1' (ecdsa-with-SHA1).
        const string pem = """
            -----BEGIN CERTIFICATE-----
            MIIBgjCCASigAwIBAgIUDIxCqmu7LqhAIEuo92xshDH/stAwCQYHKoZIzj0EATAW
            MRQwEgYDVQQDDAtsZWdhY3ktc2hhMTAgFw0yNjExMjMwOTA5MzJaGA8yMTI2MTAz
            MDA5MDkzMlowFjEUMBIGA1UEAwwLbGVnYWN5LXNoYTEwWTATBgcqhkjOPQIBBggq
            hkjOPQMBBwNCAATU+r6uuIWl9zShyA6QyWnaVpyfjekg8i4tnOwt7TgAplTgL6tG
            MLUzTANFnUehP8dP8FLWIMaR5OwKICzuULuio1MwUTAdBgNVHQ4EFgQUkMv/Nt3K
            BCS+u8up0QbB8ppiu50wHwYDVR0jBBgwFoAUkMv/Nt3KBCS+u8up0QbB8ppiu50w
            DwYDVR0TAQH/BAUwAwEB/zAJBgcqhkjOPQQBA0kAMEYCIQDEHxKAU5eAx4+gj6jx
            Ltb65EUylYCew8PEoKlR1/iiaAIhAMe5JNWYb76jUwNn+hGdsSB43m5XKG5IfpTQ
            L33rdwpR
            -----END CERTIFICATE-----
            """;
        using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);

        var data = KeyAuthSignedData.Build("ssh-key-auth", "alice", 1, new byte[32], new TransportSecurity { IsEncrypted = true, ServerCertificate = cert });

        Assert.Equal("1.2.840.10045.4.1", cert.SignatureAlgorithm.Value);
        Assert.Equal([0x01, 0x00, 32, .. SHA256.HashData(cert.RawData)], data[^35..]);
    }

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    [InlineData("SHA512")]
    public void Build_CertificateSignedWithRsaPss_BindsWithHashFromPssParameters(string hash)
    {
        // RFC 5929 §4.1 with RFC 4055 §3.1: id-RSASSA-PSS carries its hash in the parameters.
        using var key = RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=pss", key, new HashAlgorithmName(hash), RSASignaturePadding.Pss);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        byte[] expected = hash switch
        {
            "SHA256" => SHA256.HashData(cert.RawData),
            "SHA384" => SHA384.HashData(cert.RawData),
            _ => SHA512.HashData(cert.RawData),
        };

        var data = KeyAuthSignedData.Build("ssh-key-auth", "alice", 1, new byte[32], new TransportSecurity { IsEncrypted = true, ServerCertificate = cert });

        Assert.Equal("1.2.840.113549.1.1.10", cert.SignatureAlgorithm.Value);
        Assert.Equal([0x01, 0x00, (byte)expected.Length, .. expected], data[^(3 + expected.Length)..]);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(256)]
    public void Build_ChallengeOutOfBounds_ThrowsProtocolViolation(int length)
    {
        var ex = Assert.Throws<HandshakeException>(() => KeyAuthSignedData.Build("ssh-key-auth", "alice", 1, new byte[length], TransportSecurity.None));

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public void Build_UserNameTooLong_ThrowsProtocolViolation()
    {
        var ex = Assert.Throws<HandshakeException>(() => KeyAuthSignedData.Build("ssh-key-auth", new string('u', 1025), 1, new byte[32], TransportSecurity.None));

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }
}
