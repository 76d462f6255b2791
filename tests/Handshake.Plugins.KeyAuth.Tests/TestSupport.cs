using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace Handshake.Plugins.KeyAuth.Tests;

/// <summary>Keys generated once per test run (RSA generation is slow).</summary>
internal static class TestKeys
{
    private static readonly Lazy<ECDsa> LazyP256 = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));
    private static readonly Lazy<ECDsa> LazyP384 = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP384));
    private static readonly Lazy<RSA> LazyRsa = new(() => RSA.Create(2048));
    private static readonly Lazy<ECDsa> LazyOtherP256 = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static ECDsa P256 => LazyP256.Value;

    public static ECDsa P384 => LazyP384.Value;

    public static RSA Rsa => LazyRsa.Value;

    public static ECDsa OtherP256 => LazyOtherP256.Value;

    public static AsymmetricAlgorithm Get(string type) => type switch
    {
        "p256" => P256,
        "p384" => P384,
        "rsa" => Rsa,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string PrivatePem(AsymmetricAlgorithm key) => key.ExportPkcs8PrivateKeyPem();

    public static string EncryptedPrivatePem(AsymmetricAlgorithm key, string password) =>
        key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));

    public static string PublicPem(AsymmetricAlgorithm key) => key.ExportSubjectPublicKeyInfoPem();

    /// <summary>An OpenSSH authorized_keys line, serialised here independently of the library (RFC 4253 §6.6, RFC 5656 §3.1).</summary>
    public static string AuthorizedKeysLine(AsymmetricAlgorithm key, string comment = "test@example") =>
        $"{SshType(key)} {Convert.ToBase64String(SshBlob(key))} {comment}";

    public static string SshType(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec when ec.KeySize == 256 => "ecdsa-sha2-nistp256",
        ECDsa ec when ec.KeySize == 384 => "ecdsa-sha2-nistp384",
        RSA => "ssh-rsa",
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    public static byte[] SshBlob(AsymmetricAlgorithm key)
    {
        using var stream = new MemoryStream();
        WriteString(stream, Encoding.ASCII.GetBytes(SshType(key)));
        if (key is ECDsa ec)
        {
            var p = ec.ExportParameters(false);
            WriteString(stream, Encoding.ASCII.GetBytes(ec.KeySize == 256 ? "nistp256" : "nistp384"));
            WriteString(stream, [0x04, .. p.Q.X!, .. p.Q.Y!]);
        }
        else
        {
            var p = ((RSA)key).ExportParameters(false);
            WriteString(stream, MPInt(p.Exponent!));
            WriteString(stream, MPInt(p.Modulus!));
        }

        return stream.ToArray();
    }

    public static void WriteString(Stream stream, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        stream.Write(length);
        stream.Write(value);
    }

    public static byte[] MPInt(byte[] magnitude) => (magnitude[0] & 0x80) != 0 ? [0, .. magnitude] : magnitude;

    public static X509Certificate2 SelfSignedCertificate(HashAlgorithmName hash, string subject = "CN=localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, hash);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}

/// <summary>A random source that repeats one byte pattern: two exchanges get the same challenge.</summary>
internal sealed class FixedRandom(byte seed = 0x5A) : IRandomSource
{
    public void Fill(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(seed + i);
        }
    }
}

/// <summary>Drives a client exchange against a verifier exchange directly, with independently chosen contexts.</summary>
internal static class Direct
{
    public static AuthExchangeContext ClientContext(string user = "alice", int factor = 1, string plugin = KeyAuthPluginNames.SshKeyAuth, TransportSecurity? transport = null, string?[]? passwords = null) =>
        new(plugin, factor, AuthCredentials.FromPasswords(user, passwords ?? []), transport ?? TransportSecurity.None, Substitute.For<IAuthSecurityPolicy>());

    public static VerifierContext ServerContext(string? storedKeys, string user = "alice", int factor = 1, string mechanism = KeyAuthPluginNames.SshKeyAuth, TransportSecurity? transport = null, TimeProvider? time = null, IRandomSource? random = null)
    {
        var source = Substitute.For<IVerifierCredentialSource>();
        source.UserName.Returns(user);
        source.FindCredentialAsync(Arg.Any<string>(), Arg.Any<int>(), Arg.Any<CancellationToken>())
            .Returns(_ => ValueTask.FromResult(storedKeys is null ? null : StoredCredential.FromString(storedKeys)));
        return new VerifierContext(KeyAuthPluginNames.SshKeyAuth, mechanism, factor, transport ?? TransportSecurity.None, source)
        {
            Time = time ?? TimeProvider.System,
            Random = random ?? SystemRandomSource.Instance,
        };
    }

    /// <summary>Runs both sides to the verifier's decision; a client-side error surfaces as the exception.</summary>
    public static async Task<VerifierStep> RunAsync(IAuthPlugin plugin, AuthExchangeContext client, IAuthVerifier verifier, VerifierContext server, Func<byte[], byte[]>? tamperServer = null, List<byte[]>? clientMessages = null)
    {
        using var clientExchange = plugin.Start(client);
        using var serverExchange = verifier.Start(server);
        var serverData = (await serverExchange.BeginAsync(default)).ToArray();
        for (var round = 0; round < 4; round++)
        {
            var reply = await clientExchange.RespondAsync(tamperServer is null ? serverData : tamperServer(serverData), default);
            var clientData = reply.Data.ToArray();
            clientMessages?.Add(clientData);
            var step = await serverExchange.ProcessAsync(clientData, default);
            if (step.Kind != VerifierStepKind.Continue)
            {
                if (step.Kind == VerifierStepKind.Accept)
                {
                    clientExchange.OnServerAccepted(step.Data);
                }

                return step;
            }

            serverData = step.Data.ToArray();
        }

        throw new InvalidOperationException("too many rounds");
    }
}

/// <summary>An engine with key auth on both sides, over the in-memory transport.</summary>
internal static class Engine
{
    public static ServiceProvider Build(Action<KeyAuthClientOptions> client, string storedKeys, Action<KeyAuthVerifierOptions>? server = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        collection.AddHandshake()
            .AddKeyAuth(client)
            .AddKeyAuthVerifier(server ?? (_ => { }))
            .AddAcceptor(o => o.DefaultPlugin = KeyAuthPluginNames.SshKeyAuth)
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy(KeyAuthPluginNames.SshKeyAuth, StoredCredential.FromString(storedKeys))));
        return collection.BuildServiceProvider();
    }

    public static async Task<InMemoryHandshakeResult> RunAsync(ServiceProvider sp, string user = "alice", string?[]? passwords = null, TransportSecurity? client = null, TransportSecurity? server = null)
    {
        using var creds = AuthCredentials.FromPasswords(user, passwords ?? []);
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(creds, client);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(server);
        using var connection = InMemoryAuthConnection.Create(client, server);
        return await InMemoryHandshake.RunAsync(negotiator, acceptor, connection);
    }
}
