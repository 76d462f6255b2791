using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.KeyAuth.Internal;

namespace Handshake.Plugins.KeyAuth.Tests;

public sealed class AuthorizedKeysParsingTests
{
    // Made with 'ssh-keygen -t ecdsa -b 256' / '-b 384' / '-t rsa -b 2048'; fingerprints from 'ssh-keygen -lf'.
    public static TheoryData<string, string> OpenSshVectors => new()
    {
        {
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDfAEjTtdJ+9CFjcaJ1gpiuOsLf1NgAR2TTACo0ZIlFj3FHaWMk/W1Xs6r0mZAIMtgyY9xEp6yh3EwRya3u/07Y= vec",
            "SHA256:JkUjzMXIGHu4pfftW8uw5+NcnsT/0mubJq4Xl8PL0+U"
        },
        {
            "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBLyBv41aQpZUDL6Jpla1GgEv9fHxN5EXaTK3DGuQmqNwjta31eLJtafZnBW3tdud+TFwZMTmbQgE9E1h+ulL8ixDTtNuyQDTZZy+slyLkNbZjWXSG2STisMgSnvuP2MpUQ== vec",
            "SHA256:JNUnaab6HcmiayY+FTaHok2Eoog6d5s58GDFbbkh9ok"
        },
        {
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCpYoradlOcNGnFthPtHmI/wF9vDuc3loKu1KA/YWa1jDAJ88xHNW8ntf7gigeu3VswQt0OTMiNcmpdlTfJoxEqHOqQ5exKfac4YV+QKKYLEtzz5OHGfyi/2kSyI+AwQRN2qNKg1fB/0zFp0E56vi4W8j+78fXpL7BqNXC9KFz5QK81o9k599mUJUHG9ZxPvff3htbr6EgCcO7srRwlHroV3nfven0dE3yUziX60kIUxWkc/9FlprhxzB7KRyzyP69w/wz+w+3/eVI2eWdmwqqR8inLrVpiP2kMGyCVtTqQYGQFmbOKo2eN0mZ3o5/3mKsuVR4KTer4WlVr9gjDcorb vec",
            "SHA256:7Sss2f1elj88jA10v6P7HeSxp55qUQScKf0OsKcodIc"
        },
    };

    [Theory]
    [MemberData(nameof(OpenSshVectors))]
    public void Parse_OpenSshGeneratedLine_FingerprintMatchesSshKeygen(string line, string fingerprint)
    {
        var keys = StoredKeyParser.Parse(line, 2048);

        var key = Assert.Single(keys);
        Assert.Equal(fingerprint, key.Fingerprint.ToString());
        Assert.Equal(fingerprint, KeyAuthFingerprint.FromPublicKey(key.Key).ToString());
    }

    [Fact]
    public void Parse_PemOfSameKey_HasSameFingerprintAsAuthorizedKeysLine()
    {
        // 'ssh-keygen -e -m PKCS8' of the P-256 vector.
        const string pem = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEN8ASNO10n70IWNxonWCmK46wt/U2
            ABHZNMAKjRkiUWPcUdpYyT9bVezqvSZkAgy2DJj3ESnrKHcTBHJre7/Ttg==
            -----END PUBLIC KEY-----
            """;

        var key = Assert.Single(StoredKeyParser.Parse(pem, 2048));

        Assert.Equal("SHA256:JkUjzMXIGHu4pfftW8uw5+NcnsT/0mubJq4Xl8PL0+U", key.Fingerprint.ToString());
    }

    [Theory]
    [InlineData("p256", KeyAuthAlgorithm.EcdsaP256Sha256)]
    [InlineData("p384", KeyAuthAlgorithm.EcdsaP384Sha384)]
    [InlineData("rsa", KeyAuthAlgorithm.RsaPssSha256)]
    public void Parse_LineSerialisedFromBclKey_ReadsKeyAndAlgorithm(string type, KeyAuthAlgorithm algorithm)
    {
        var bcl = TestKeys.Get(type);

        var key = Assert.Single(StoredKeyParser.Parse(TestKeys.AuthorizedKeysLine(bcl), 2048));

        Assert.Equal(algorithm, key.Algorithm);
        Assert.Equal(KeyAuthFingerprint.FromSshPublicKeyBlob(TestKeys.SshBlob(bcl)), key.Fingerprint);
        Assert.Equal(bcl.ExportSubjectPublicKeyInfo(), key.Key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Parse_SeveralKeysCommentsBlankLinesAndCrLf_ReadsEveryKey()
    {
        var text = string.Join(
            "\r\n",
            "# alice's keys",
            string.Empty,
            TestKeys.AuthorizedKeysLine(TestKeys.P256, "laptop"),
            TestKeys.PublicPem(TestKeys.P384).TrimEnd(),
            "   " + TestKeys.AuthorizedKeysLine(TestKeys.Rsa, "a comment with spaces"));

        var keys = StoredKeyParser.Parse(text, 2048);

        Assert.Equal([KeyAuthAlgorithm.EcdsaP256Sha256, KeyAuthAlgorithm.EcdsaP384Sha384, KeyAuthAlgorithm.RsaPssSha256], keys.Select(k => k.Algorithm));
    }

    public static TheoryData<string, string> MalformedLines()
    {
        var p256 = TestKeys.SshBlob(TestKeys.P256);
        var rsa = TestKeys.SshBlob(TestKeys.Rsa);
        string Line(string type, byte[] blob) => $"{type} {Convert.ToBase64String(blob)}";
        byte[] Blob(params byte[][] strings)
        {
            using var stream = new MemoryStream();
            foreach (var s in strings)
            {
                TestKeys.WriteString(stream, s);
            }

            return stream.ToArray();
        }

        var q = p256[^65..];
        var compressed = (byte[])q[..33].Clone();
        compressed[0] = 0x02;
        var offCurve = (byte[])q.Clone();
        offCurve[^1] ^= 0x01;
        var rsaParams = TestKeys.Rsa.ExportParameters(false);
        byte[] hugeLength = [.. p256[..4], 0x7F, 0xFF, 0xFF, 0xFF];

        return new TheoryData<string, string>
        {
            { "unsupported type", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x" },
            { "options prefix", "from=\"10.0.0.1\" " + Line("ecdsa-sha2-nistp256", p256) },
            { "missing base64", "ecdsa-sha2-nistp256" },
            { "not base64", "ecdsa-sha2-nistp256 !!!notbase64!!!" },
            { "truncated blob", Line("ecdsa-sha2-nistp256", p256[..^10]) },
            { "length field beyond blob", Line("ecdsa-sha2-nistp256", hugeLength) },
            { "trailing bytes", Line("ecdsa-sha2-nistp256", [.. p256, 0x00]) },
            { "type mismatch", Line("ecdsa-sha2-nistp384", p256) },
            { "curve mismatch", Line("ecdsa-sha2-nistp256", Blob("ecdsa-sha2-nistp256"u8.ToArray(), "nistp384"u8.ToArray(), q)) },
            { "compressed point", Line("ecdsa-sha2-nistp256", Blob("ecdsa-sha2-nistp256"u8.ToArray(), "nistp256"u8.ToArray(), compressed)) },
            { "point off curve", Line("ecdsa-sha2-nistp256", Blob("ecdsa-sha2-nistp256"u8.ToArray(), "nistp256"u8.ToArray(), offCurve)) },
            { "negative mpint", Line("ssh-rsa", Blob("ssh-rsa"u8.ToArray(), rsaParams.Exponent!, rsaParams.Modulus!)) },
            { "non-minimal mpint", Line("ssh-rsa", Blob("ssh-rsa"u8.ToArray(), [0x00, .. rsaParams.Exponent!], TestKeys.MPInt(rsaParams.Modulus!))) },
            { "even exponent", Line("ssh-rsa", Blob("ssh-rsa"u8.ToArray(), [0x01, 0x00, 0x00], TestKeys.MPInt(rsaParams.Modulus!))) },
            { "oversize blob", "ssh-rsa " + Convert.ToBase64String(new byte[5000]) },
            { "rsa below minimum", TestKeys.AuthorizedKeysLine(SmallRsa.Value) },
            { "pem without end", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" },
            { "pem other label", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" },
            { "pem not spki", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" },
            { "pem p521", P521Pem.Value },
            { "empty", "# only a comment\n\n" },
            { "too many keys", string.Join('\n', Enumerable.Repeat(Line("ecdsa-sha2-nistp256", p256), 33)) },
            { "too long", new string('#', 70_000) },
        };
    }

    private static readonly Lazy<RSA> SmallRsa = new(() => RSA.Create(1024));
    private static readonly Lazy<string> P521Pem = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        return key.ExportSubjectPublicKeyInfoPem();
    });

    [Theory]
    [MemberData(nameof(MalformedLines))]
    public void Parse_MalformedOrUnsupported_ThrowsFormatException(string what, string text)
    {
        var ex = Assert.Throws<FormatException>(() => StoredKeyParser.Parse(text, 2048));

        Assert.False(string.IsNullOrEmpty(ex.Message), what);
    }

    [Theory]
    [MemberData(nameof(MalformedLines))]
    public async Task Process_MalformedStoredCredential_RejectsInvalidStoredCredential(string what, string text)
    {
        var plugin = new KeyAuthPlugin(new KeyAuthClientOptions { PrivateKeyPem = TestKeys.PrivatePem(TestKeys.P256) });
        var verifier = new KeyAuthVerifier(new KeyAuthVerifierOptions());

        var step = await Direct.RunAsync(plugin, Direct.ClientContext(), verifier, Direct.ServerContext(text));

        Assert.True(step.Kind == VerifierStepKind.Reject && step.Reason == AuthErrorCode.InvalidStoredCredential, what);
    }

    [Fact]
    public void Parse_NegativeMpintCase_IsReallyNegative()
    {
        // Guards the "negative mpint" row: the raw modulus of a 2048-bit key has its top bit set.
        Assert.True((TestKeys.Rsa.ExportParameters(false).Modulus![0] & 0x80) != 0 || (TestKeys.Rsa.ExportParameters(false).Exponent![0] & 0x80) != 0);
    }

    [Fact]
    public void Fingerprint_ParseAndToString_RoundTrip()
    {
        var fingerprint = KeyAuthFingerprint.FromPublicKey(TestKeys.P256);

        Assert.Equal(fingerprint, KeyAuthFingerprint.Parse(fingerprint.ToString()));
        Assert.False(KeyAuthFingerprint.TryParse("MD5:00:11", out _));
        Assert.False(KeyAuthFingerprint.TryParse("SHA256:" + Encoding.ASCII.GetString(new byte[43]), out _));
    }

    [Fact]
    public void Parse_PemWithUnknownCurveOid_ThrowsFormatException()
    {
        // Found by fuzz/Handshake.Fuzz (keyauth-stored): an id-ecPublicKey whose curve OID OpenSSL does not
        // know made ImportSubjectPublicKeyInfo throw PlatformNotSupportedException, which escaped untyped.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = key.ExportSubjectPublicKeyInfo();
        byte[] prime256v1 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
        var at = der.AsSpan().IndexOf(prime256v1);
        Assert.True(at > 0);
        der[at + 9] = 0x63; // 1.2.840.10045.3.1.99: well-formed, unknown
        var pem = PemEncoding.WriteString("PUBLIC KEY", der);

        var ex = Assert.Throws<FormatException>(() => StoredKeyParser.Parse(pem, 2048));
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }
}
