// CA2025: the adapter runs below complete synchronously on a ReplayStream (asserted) before anything is disposed.
#pragma warning disable CA2025
using System.Text;
using Handshake.Fuzz.Targets;
using Handshake.Plugins.Scram;
using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Hardening.Tests;

/// <summary>
/// Known attacks on authentication clients and servers, one test each, named after what it prevents.
/// Every test replays an honest recorded conversation with the one hostile change.
/// </summary>
public sealed class AttackCatalogueTests
{
    private static readonly Conversation Scram = FuzzCatalog.Protocol("scram");
    private static readonly List<byte[]> ScramServer = Scram.Record().ServerMessages;
    private static readonly AuthErrorCode?[] BindingRefusals = [AuthErrorCode.ChannelBindingFailure, AuthErrorCode.NoMutualMechanism];

    [Fact]
    public async Task OkWithoutServerFinal_IsRefused_Ponylang204()
    {
        var ex = await ScramClientFailsAsync(ScramServer[1], final: []);
        Assert.Equal(AuthErrorCode.ServerSignatureMissing, ex.Code);
    }

    [Fact]
    public async Task ForgedServerFinal_IsRefused()
    {
        var ex = await ScramClientFailsAsync(ScramServer[1], final: Encoding.ASCII.GetBytes("v=" + Convert.ToBase64String(new byte[32])));
        Assert.Equal(AuthErrorCode.ServerSignatureMismatch, ex.Code);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2147483647")]
    public async Task IterationCountOutsideLimits_IsRefused_NoCheapOrDosDerivation(string iterations)
    {
        // The fuzz set-up allows 1..4096; i=1 is refused under the default floor (4096) in the plugin tests,
        // here i=2^31-1 must never reach PBKDF2 and i=1 is refused by the default-options client below.
        var client = FuzzCatalog.Protocol("scram");
        var serverFirst = Text(ScramServer[1]);
        serverFirst = serverFirst[..(serverFirst.IndexOf(",i=", StringComparison.Ordinal) + 3)] + iterations;
        var ex = await ScramClientFailsAsync(Encoding.ASCII.GetBytes(serverFirst), ScramServer[2], client, defaultOptions: iterations == "1");
        Assert.Equal(AuthErrorCode.IterationsOutOfRange, ex.Code);
    }

    [Fact]
    public async Task ServerNonceNotExtendingClients_IsRefused()
    {
        var serverFirst = Text(ScramServer[1]);
        serverFirst = "r=X" + serverFirst[3..];
        var ex = await ScramClientFailsAsync(Encoding.ASCII.GetBytes(serverFirst), ScramServer[2]);
        Assert.Equal(AuthErrorCode.NonceMismatch, ex.Code);
    }

    [Fact]
    public async Task OversizeServerFirst_IsRefused_ScramCap4KiB()
    {
        var serverFirst = Text(ScramServer[1]);
        var at = serverFirst.IndexOf(",s=", StringComparison.Ordinal);
        serverFirst = serverFirst[..at] + new string('x', 5000) + serverFirst[at..];
        var ex = await ScramClientFailsAsync(Encoding.ASCII.GetBytes(serverFirst), ScramServer[2]);
        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Theory]
    [InlineData("scram")]
    [InlineData("native")]
    [InlineData("cachingsha2")]
    [InlineData("keyauth")]
    [InlineData("totp")]
    public async Task UnknownUserAndWrongSecret_TakeTheSamePath_NoUserEnumeration(string protocol)
    {
        using var otherKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var conversation = FuzzCatalog.Protocol(protocol);
        var honest = conversation.Record().ClientMessages;
        var wrongStored = protocol switch
        {
            "scram" => Handshake.Plugins.Scram.ScramCredential.Create("other", new byte[16], 4096).ToStoredCredential(),
            "native" => Handshake.Plugins.NativePassword.NativePasswordCredential.FromPassword("other").ToStoredCredential(),
            "cachingsha2" => Handshake.Plugins.CachingSha2.CachingSha2Credential.FromPassword("other", null, 1000).ToStoredCredential(),
            "keyauth" => StoredCredential.FromString(otherKey.ExportSubjectPublicKeyInfoPem()),
            _ => StoredCredential.FromString(Handshake.Mfa.Base32.Encode(Encoding.ASCII.GetBytes("another-secret-key!!"))),
        };

        var wrong = await ShapeAsync(conversation, wrongStored, honest);
        var unknown = await ShapeAsync(conversation, null, honest);

        Assert.Equal(wrong, unknown);
        Assert.Contains("Reject", wrong, StringComparison.Ordinal);
    }

    [Fact]
    public async Task YFlagDowngrade_WhenServerOfferedPlus_IsRefusedByServer()
    {
        // RFC 5802 §6: a man in the middle strips -PLUS from the offer; the client (able to bind) then
        // says 'y' ("I could bind, you seem unable"), and the server, which did offer -PLUS, must refuse.
        using var cert = TestCertificates.Rsa();
        var tls = TestCertificates.Tls(cert);
        await using var sp = ScramServices(ScramChannelBinding.Prefer);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(tls, AcceptorStartMode.Offer);
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, tls);

        var offer = await acceptor.StartAsync("alice");
        Assert.Contains("SCRAM-SHA-256-PLUS", offer.Mechanisms!);
        var stripped = AuthEvent.Offer([.. offer.Mechanisms!.Where(m => !m.EndsWith("-PLUS", StringComparison.Ordinal))]);
        var first = await negotiator.HandleAsync(stripped);
        Assert.Equal(AuthActionKind.Send, first.Kind);
        Assert.StartsWith("y,,", Text(first.Data.ToArray()), StringComparison.Ordinal);

        var answer = await acceptor.HandleAsync(new AuthClientMessage(first.PluginName, first.Data));

        Assert.Equal(AuthEventKind.Failed, answer.Kind);
        Assert.Equal(AuthErrorCode.ChannelBindingFailure, acceptor.FailureReason);
    }

    [Fact]
    public async Task YFlagDowngrade_ClientRequiringBinding_RefusesStrippedOffer()
    {
        using var cert = TestCertificates.Rsa();
        await using var sp = ScramServices(ScramChannelBinding.Require);
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TestCertificates.Tls(cert));

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Offer(["SCRAM-SHA-256"])));

        // The engine already drops mechanisms the plugin ranks unusable (no mutual mechanism); the plugin
        // itself would say ChannelBindingFailure. Either way nothing is sent.
        Assert.Contains(ex.Code, BindingRefusals);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-256-PLUS")]
    public async Task RequireBindingWithEd25519Certificate_FailsInsteadOfDowngrading_Pgjdbc4272(string offered)
    {
        // RFC 5929 §4.1 defines no tls-server-end-point hash for Ed25519: whatever the server offers,
        // a client that requires binding must fail, never fall back to the unbound mechanism.
        using var cert = TestCertificates.ClaimingEd25519();
        await using var sp = ScramServices(ScramChannelBinding.Require);
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TestCertificates.Tls(cert));

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Offer([offered])));

        Assert.Contains(ex.Code, BindingRefusals);
    }

    [Fact]
    public async Task RequireBindingWithEd25519Certificate_HonestServerOffersPlainOnly_ClientFails()
    {
        using var cert = TestCertificates.ClaimingEd25519();
        var tls = TestCertificates.Tls(cert);
        await using var sp = ScramServices(ScramChannelBinding.Require);
        using var acceptor = sp.GetRequiredService<IAuthAcceptorFactory>().Create(tls, AcceptorStartMode.Offer);
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, tls);

        using var connection = InMemoryAuthConnection.Create(tls, tls);
        var result = await InMemoryHandshake.RunAsync(negotiator, acceptor, connection, userName: "alice");

        Assert.False(result.Succeeded);
        Assert.Null(result.ClientResult);
        Assert.Contains(result.ClientError?.Code, BindingRefusals);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task CleartextBeforeCertificateVerified_IsRefused_GhsaMySqlConnector473q(bool encrypted, bool verified)
    {
        // caching_sha2 full authentication over TLS whose certificate was not verified (or no TLS with no
        // RSA key allowed): the password must not leave. The gate runs before anything is sent.
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddCachingSha2();
        await using var sp = services.BuildServiceProvider();
        var transport = new TransportSecurity { IsEncrypted = encrypted, IsCertificateVerified = verified };
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, transport);
        var first = await negotiator.HandleAsync(AuthEvent.Begin("caching_sha2_password", new byte[20]));
        Assert.Equal(AuthActionKind.Send, first.Kind);

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 })));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
    }

    [Fact]
    public async Task CleartextAfterCertificateVerified_IsSent_ControlForGhsa473q()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddCachingSha2();
        await using var sp = services.BuildServiceProvider();
        var transport = new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true };
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, transport);
        _ = await negotiator.HandleAsync(AuthEvent.Begin("caching_sha2_password", new byte[20]));

        var full = await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 }));

        Assert.Equal("pencil\0"u8.ToArray(), full.Data.ToArray());
    }

    [Fact]
    public async Task RsaPublicKeyRetrievalWithoutOptIn_IsRefused()
    {
        // Over a plain transport a fetched RSA key is unauthenticated (a man in the middle hands over his own):
        // caching_sha2 must not ask for it unless CachingSha2Options.AllowPublicKeyRetrieval is set.
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddCachingSha2();
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin("caching_sha2_password", new byte[20]));

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 })));

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Contains("AllowPublicKeyRetrieval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RsaPublicKeyRetrievalWithOptIn_AsksForKey_ControlForOptIn()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddCachingSha2(o => o.AllowPublicKeyRetrieval = true);
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin("caching_sha2_password", new byte[20]));

        var request = await negotiator.HandleAsync(AuthEvent.Continue(new byte[] { 0x04 }));

        Assert.Equal([0x02], request.Data.ToArray());
    }

    [Fact]
    public async Task ServerSwitchingPluginsInALoop_IsStopped_RoundLimitExceeded()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddNativePassword().AddCachingSha2();
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin("mysql_native_password", new byte[20]));

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var plugin = i % 2 == 0 ? "caching_sha2_password" : "mysql_native_password";
                _ = await negotiator.HandleAsync(AuthEvent.Switch(plugin, new byte[20]));
            }
        });

        Assert.Equal(AuthErrorCode.RoundLimitExceeded, ex.Code);
        Assert.True(negotiator.Rounds <= new HandshakeOptions().MaxRounds);
    }

    [Fact]
    public async Task FourthFactor_IsRefused_FactorLimitExceeded()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddNativePassword();
        await using var sp = services.BuildServiceProvider();
        using var credentials = AuthCredentials.FromPasswords("alice", "one", "two", "three");
        using var negotiator = sp.GetRequiredService<IAuthNegotiatorFactory>().Create(credentials, TransportSecurity.None);
        _ = await negotiator.HandleAsync(AuthEvent.Begin("mysql_native_password", new byte[20]));
        _ = await negotiator.HandleAsync(AuthEvent.NextFactor("mysql_native_password", new byte[20]));
        _ = await negotiator.HandleAsync(AuthEvent.NextFactor("mysql_native_password", new byte[20]));
        Assert.Equal(3, negotiator.CurrentFactor);

        var ex = await Assert.ThrowsAsync<HandshakeException>(async () => await negotiator.HandleAsync(AuthEvent.NextFactor("mysql_native_password", new byte[20])));

        Assert.Equal(AuthErrorCode.FactorLimitExceeded, ex.Code);
    }

    [Fact]
    public void MySqlClient_PacketClaiming16MiBThenClose_TypedFailureWithoutMegabyteAllocation()
    {
        // Even with a limit that allows it, a 4-byte header claiming 0xFFFFFF bytes must not buy a 16 MiB
        // buffer: memory follows the bytes that arrive.
        var (ex, allocated) = MeasureMySqlClient([0xFF, 0xFF, 0xFF, 0x00], new MySqlClientOptions { MaxMessageLength = 16 * 1024 * 1024 });

        Assert.Equal(AuthErrorCode.TransportFailure, ex.Code);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void MySqlClient_PacketOverHandshakeLimit_RefusedBeforeAllocation()
    {
        // The default connection-phase limit (64 KiB) refuses the header as it arrives.
        var (ex, allocated) = MeasureMySqlClient([0xFF, 0xFF, 0xFF, 0x00], new MySqlClientOptions());

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void MySqlClient_ChainedMaxChunksBeyondLimit_ProtocolViolation()
    {
        // 0xFFFFFF-byte chunks say "more follows" (16 MiB split); the sum is checked against the limit.
        byte[] stream = [0xFF, 0xFF, 0xFF, 0x00, .. new byte[0xFFFFFF], 0xFF, 0xFF, 0xFF, 0x01];
        var (ex, _) = MeasureMySqlClient(stream, new MySqlClientOptions { MaxMessageLength = 16 * 1024 * 1024 });

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public void MySqlServer_ResponseClaiming16MiBThenClose_FailsWithoutMegabyteAllocation()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddNativePasswordVerifier().AddAcceptor(o => o.DefaultPlugin = "mysql_native_password").AddInMemoryCredentialStore();
        using var sp = services.BuildServiceProvider();
        var factory = sp.GetRequiredService<IAuthAcceptorFactory>();
        MySqlServerResult Run()
        {
            using var stream = new ReplayStream([0xFF, 0xFF, 0xFF, 0x01]);
            var task = MySqlServerConnector.AcceptAsync(stream, new MySqlServerOptions(), factory);
            Assert.True(task.IsCompleted);
            return task.GetAwaiter().GetResult();
        }

        var (result, allocated) = AllocationsOfSecondRun(Run);

        Assert.False(result.Succeeded);
        Assert.Equal(AuthErrorCode.TransportFailure, result.FailureReason);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void PgClient_MessageClaiming1GiB_ProtocolViolationWithoutAllocation()
    {
        // 'R' (Authentication) with length 0x40000000.
        var (ex, allocated) = RunPgClientAgainst([(byte)'R', 0x40, 0x00, 0x00, 0x00, 0, 0, 0, 10]);

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void PgClient_MessageClaimingTheFullLimitThenClosing_TransportFailureWithoutMegabyteAllocation()
    {
        // Found by the pgsql-client fuzz target (input 518343): 'R' with length 0x00100000, exactly the
        // 1 MiB limit, then the stream ends. Within the limit, so it is read; the buffer must grow with
        // the bytes that arrive, not be sized by the peer's length field.
        var (ex, allocated) = RunPgClientAgainst([(byte)'R', 0x00, 0x10, 0x00, 0x00, 0, 0, 0, 12, 0x6A, 0xFA, 0x04, 0xCA]);

        Assert.Equal(AuthErrorCode.TransportFailure, ex.Code);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    /// <summary>Our PostgreSQL client against a server that sends <paramref name="stream"/>; the second run's allocations on this thread.</summary>
    private static (HandshakeException Error, long Allocated) RunPgClientAgainst(byte[] stream)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddScram();
        using var sp = services.BuildServiceProvider();
        var factory = sp.GetRequiredService<IAuthNegotiatorFactory>();
        HandshakeException Run()
        {
            using var replay = new ReplayStream(stream);
            using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
            var options = new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable };
            var task = PostgreSqlStartup.ConnectAsync(replay, options, factory, credentials);
            Assert.True(task.IsCompleted);
            return Assert.Throws<HandshakeException>(() => task.GetAwaiter().GetResult());
        }

        return AllocationsOfSecondRun(Run);
    }

    /// <summary>Runs <paramref name="run"/> twice (the first warms JIT and statics) and counts the second run's allocations on this thread.</summary>
    private static (T Result, long Allocated) AllocationsOfSecondRun<T>(Func<T> run)
    {
        _ = run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = run();
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("startup")]
    [InlineData("message")]
    public void PgServer_LengthClaiming1GiB_ProtocolViolationWithoutAllocation(string where)
    {
        byte[] startup = [0, 0, 0, 20, 0, 3, 0, 0, .. "user\0alice\0\0"u8];
        byte[] stream = where == "startup"
            ? [0x40, 0x00, 0x00, 0x00, 0, 3, 0, 0]
            : [.. startup, (byte)'p', 0x40, 0x00, 0x00, 0x00, 0, 0];
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddScramVerifier().AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256").AddInMemoryCredentialStore();
        using var sp = services.BuildServiceProvider();
        var factory = sp.GetRequiredService<IAuthAcceptorFactory>();
        PostgreSqlAcceptorResult Run()
        {
            using var replay = new ReplayStream(stream);
            var task = PostgreSqlAcceptorSession.AcceptAsync(replay, new PostgreSqlAcceptorOptions(), factory);
            Assert.True(task.IsCompleted);
            return task.GetAwaiter().GetResult();
        }

        var (result, allocated) = AllocationsOfSecondRun(Run);

        Assert.Null(result.Authentication);
        Assert.Equal(AuthErrorCode.ProtocolViolation, result.FailureReason);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    private static (HandshakeException Error, long Allocated) MeasureMySqlClient(byte[] stream, MySqlClientOptions options)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddNativePassword();
        using var sp = services.BuildServiceProvider();
        var factory = sp.GetRequiredService<IAuthNegotiatorFactory>();
        HandshakeException Run()
        {
            using var replay = new ReplayStream(stream);
            using var credentials = AuthCredentials.FromPasswords("alice", "pencil");
            var task = MySqlClientConnector.ConnectAsync(replay, options, factory, credentials);
            Assert.True(task.IsCompleted);
            return Assert.Throws<HandshakeException>(() => task.GetAwaiter().GetResult());
        }

        return AllocationsOfSecondRun(Run);
    }

    private static ServiceProvider ScramServices(ScramChannelBinding binding)
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake()
            .AddScram(o => o.ChannelBinding = binding)
            .AddScramVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(s => s.AddUser("alice", new AuthFactorPolicy("SCRAM-SHA-256", ScramCredential.Create("pencil", new byte[16], 4096).ToStoredCredential())));
        return services.BuildServiceProvider();
    }

    private static async Task<string> ShapeAsync(Conversation conversation, StoredCredential? stored, List<byte[]> clientMessages)
    {
        using var exchange = conversation.Verifier().Start(conversation.VerifierContext(stored));
        var shape = new StringBuilder();
        var begin = await exchange.BeginAsync(CancellationToken.None);
        shape.Append("begin:").Append(begin.Length).Append(';');
        foreach (var message in clientMessages)
        {
            var step = await exchange.ProcessAsync(message, CancellationToken.None);
            shape.Append(step.Kind).Append(':').Append(step.Data.Length).Append(':').Append(step.Reason).Append(';');
            if (step.Kind != VerifierStepKind.Continue)
            {
                break;
            }
        }

        return shape.ToString();
    }

    private static async Task<HandshakeException> ScramClientFailsAsync(byte[] serverFirst, byte[] final, Conversation? conversation = null, bool defaultOptions = false)
    {
        conversation ??= Scram;
        using var credentials = conversation.Credentials();
        var context = conversation.ClientContext(credentials);
        using var exchange = (defaultOptions ? DefaultScramPlugin() : conversation.Plugin).Start(context);
        return await Assert.ThrowsAsync<HandshakeException>(async () =>
        {
            _ = await exchange.RespondAsync(ScramServer[0], CancellationToken.None);
            _ = await exchange.RespondAsync(serverFirst, CancellationToken.None);
            exchange.OnServerAccepted(final);
        });
    }

    private static IAuthPlugin DefaultScramPlugin()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddScram();
        return services.BuildServiceProvider().GetServices<IAuthPlugin>().Single(p => p.Name == "SCRAM-SHA-256");
    }

    private static string Text(byte[] data) => Encoding.ASCII.GetString(data);
}
