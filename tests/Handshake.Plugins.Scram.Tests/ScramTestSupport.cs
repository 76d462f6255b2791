using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Handshake.Plugins.Scram.Internal;
using NSubstitute;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>Contexts, pinned randomness and in-test certificates for the SCRAM tests.</summary>
internal static class ScramTestSupport
{
    public static AuthExchangeContext ClientContext(string mechanism, string user, string password, TransportSecurity? transport = null, IRandomSource? random = null) =>
        new(mechanism, 1, AuthCredentials.FromPasswords(user, password), transport ?? TransportSecurity.None, Substitute.For<IAuthSecurityPolicy>())
        {
            Random = random ?? SystemRandomSource.Instance,
        };

    public static ScramClientExchange Client(
        string user,
        string password,
        string nonce,
        ScramHash? hash = null,
        bool plus = false,
        ScramOptions? options = null,
        TransportSecurity? transport = null,
        ScramKeyCache? cache = null,
        IScramKeyDeriver? deriver = null)
    {
        hash ??= ScramHash.Sha256;
        var context = ClientContext(plus ? hash.PlusMechanismName : hash.MechanismName, user, password, transport);
        return new ScramClientExchange(context, hash, plus, options ?? new ScramOptions(), cache, deriver ?? Pbkdf2ScramKeyDeriver.Instance, _ => nonce);
    }

    public static VerifierContext ServerContext(string? user, StoredCredential? stored, string mechanism = "SCRAM-SHA-256", TransportSecurity? transport = null, IReadOnlyList<string>? offered = null)
    {
        var source = new FakeCredentialSource(user, stored);
        return new VerifierContext("SCRAM-SHA-256", mechanism, 1, transport ?? TransportSecurity.None, source) { OfferedMechanisms = offered ?? [] };
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static string Ascii(ReadOnlyMemory<byte> bytes) => Encoding.ASCII.GetString(bytes.Span);

    public static async Task<string> SendAsync(IAuthExchange exchange, string serverData)
    {
        var reply = await exchange.RespondAsync(Ascii(serverData), CancellationToken.None);
        Assert.True(reply.HasData);
        return Ascii(reply.Data);
    }

    public static TransportSecurity Tls(X509Certificate2 certificate) =>
        new() { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = certificate };

    public static X509Certificate2 RsaCertificate(HashAlgorithmName hash, RSASignaturePadding? padding = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, hash, padding ?? RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public static X509Certificate2 EcdsaCertificate(HashAlgorithmName hash)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=localhost", key, hash);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>
    /// A certificate whose signatureAlgorithm claims <paramref name="oid"/> (e.g. Ed25519, which the BCL
    /// cannot make): the signature bytes are really ECDSA, which nothing here checks.
    /// </summary>
    public static X509Certificate2 CertificateClaiming(string oid)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=localhost"), new PublicKey(key), HashAlgorithmName.SHA256);
        var generator = new ClaimingGenerator(X509SignatureGenerator.CreateForECDsa(key), oid);
        return request.Create(new X500DistinguishedName("CN=localhost"), generator, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
    }

    private sealed class ClaimingGenerator(X509SignatureGenerator inner, string oid) : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(oid);
            }

            return writer.Encode();
        }

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => inner.SignData(data, hashAlgorithm);

        protected override PublicKey BuildPublicKey() => inner.PublicKey;
    }
}

/// <summary>Counts how often PBKDF2 runs.</summary>
internal sealed class CountingKeyDeriver : IScramKeyDeriver
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void DeriveSaltedPassword(ScramHash hash, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination)
    {
        _ = Interlocked.Increment(ref _count);
        Pbkdf2ScramKeyDeriver.Instance.DeriveSaltedPassword(hash, preparedPassword, salt, iterations, destination);
    }
}

/// <summary>One user and its stored credential (null: unknown user).</summary>
internal sealed class FakeCredentialSource(string? user, StoredCredential? stored) : IVerifierCredentialSource
{
    public string? UserName => user;

    public ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken) => ValueTask.FromResult(stored);
}

/// <summary>A random source that repeats a fixed byte.</summary>
internal sealed class PinnedRandom(byte value) : IRandomSource
{
    public void Fill(Span<byte> destination) => destination.Fill(value);
}
