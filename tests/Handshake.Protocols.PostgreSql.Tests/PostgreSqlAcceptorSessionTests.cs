using System.Buffers.Binary;
using System.Text;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;
using static Handshake.Protocols.PostgreSql.Tests.PgTestSupport;

namespace Handshake.Protocols.PostgreSql.Tests;

/// <summary>Our acceptor (<see cref="PostgreSqlAcceptorSession"/>) against raw frontend bytes and against our own client.</summary>
public sealed class PostgreSqlAcceptorSessionTests
{
    private const string QueryRefused = "this server (Handshake's PostgreSQL acceptor) authenticates connections and runs no queries";

    [Fact]
    public async Task RunAsync_CancelRequest_ClosesWithoutReply()
    {
        await using var run = await AcceptorRun.StartAsync();

        await run.Client.WriteAsync(StartupPacket(Int32(80877102), Int32(1234), Int32(5678)), run.Token);

        var result = await run.ResultAsync();

        // The session has returned; the caller (owner of the stream) closes it. Nothing was written before.
        run.CloseServer();
        Assert.True(result.IsCancelRequest);
        Assert.Null(result.Authentication);
        Assert.Equal(0, await run.Client.ReadAsync(new byte[1], run.Token));
    }

    [Fact]
    public async Task RunAsync_StartupPacketLongerThanPostgresAllows_EndsWithProtocolViolation()
    {
        await using var run = await AcceptorRun.StartAsync();

        // A length PostgreSQL itself refuses (MAX_STARTUP_PACKET_LENGTH 10000); nothing else is sent.
        await run.Client.WriteAsync(Int32(1 << 30), run.Token);

        var result = await run.ResultAsync();
        Assert.Equal(AuthErrorCode.ProtocolViolation, result.FailureReason);
        Assert.Null(result.Authentication);
    }

    [Fact]
    public async Task RunAsync_TruncatedStartupPacket_EndsWithTransportFailure()
    {
        await using var run = await AcceptorRun.StartAsync();

        await run.Client.WriteAsync((byte[])[.. Int32(60), .. Int32(196608), .. CString("user")], run.Token);
        run.Client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        var result = await run.ResultAsync();
        Assert.Equal(AuthErrorCode.TransportFailure, result.FailureReason);
    }

    [Fact]
    public async Task RunAsync_SaslResponseLongerThanMaxMessageLength_SendsFatal08P01()
    {
        await using var run = await AcceptorRun.StartAsync();
        await run.Client.WriteAsync(StartupMessage(User), run.Token);
        var (type, body) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('R', type);
        Assert.Equal(10, BinaryPrimitives.ReadInt32BigEndian(body));

        // A SASLInitialResponse claiming ~2 GiB (MaxMessageLength is 64 KiB).
        await run.Client.WriteAsync(new byte[] { (byte)'p', 0x7F, 0xFF, 0xFF, 0xF0 }, run.Token);

        (type, body) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('E', type);
        Assert.Equal("08P01", ErrorFields(body)['C']);
        var result = await run.ResultAsync();
        Assert.Equal(AuthErrorCode.ProtocolViolation, result.FailureReason);
    }

    [Fact]
    public async Task RunAsync_QueryInsteadOfSaslResponse_SendsFatal08P01()
    {
        await using var run = await AcceptorRun.StartAsync();
        await run.Client.WriteAsync(StartupMessage(User), run.Token);
        _ = await ReadMessageAsync(run.Client, run.Token);

        await run.Client.WriteAsync(Message('Q', CString("SELECT 1")), run.Token);

        var (type, body) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('E', type);
        var fields = ErrorFields(body);
        Assert.Equal("FATAL", fields['V']);
        Assert.Equal("08P01", fields['C']);
        Assert.Equal(AuthErrorCode.ProtocolViolation, (await run.ResultAsync()).FailureReason);
    }

    [Fact]
    public async Task RunAsync_SaslInitialResponseLengthBeyondBody_SendsFatal08P01()
    {
        await using var run = await AcceptorRun.StartAsync();
        await run.Client.WriteAsync(StartupMessage(User), run.Token);
        _ = await ReadMessageAsync(run.Client, run.Token);

        // The inner Int32 says 1000 bytes of client-first follow; the message holds 5.
        await run.Client.WriteAsync(Message('p', CString("SCRAM-SHA-256"), Int32(1000), Encoding.ASCII.GetBytes("n,,n=")), run.Token);

        var (type, body) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('E', type);
        Assert.Equal("08P01", ErrorFields(body)['C']);
    }

    [Fact]
    public async Task RunAsync_PlaintextPipelinedAfterSslRequest_IsNeverReadAsStartup()
    {
        // CVE-2021-23214: bytes sent after SSLRequest but before the TLS handshake must not count as
        // having arrived over TLS. Here they are a StartupMessage; they must end the TLS handshake instead.
        await using var run = await AcceptorRun.StartAsync(new PostgreSqlAcceptorOptions { ServerCertificate = Certificate });

        await run.Client.WriteAsync((byte[])[.. StartupPacket(Int32(80877103)), .. StartupMessage(User)], run.Token);
        var answer = new byte[1];
        await run.Client.ReadExactlyAsync(answer, run.Token);

        Assert.Equal((byte)'S', answer[0]);
        var result = await run.ResultAsync();
        Assert.Null(result.Authentication);
        Assert.Null(result.UserName);
        Assert.Equal(AuthErrorCode.TransportFailure, result.FailureReason);
    }

    [Fact]
    public async Task RunAsync_StartupWithoutUser_SendsFatal28000()
    {
        await using var run = await AcceptorRun.StartAsync();

        await run.Client.WriteAsync(StartupPacket(Int32(196608), CString("database"), CString("postgres"), [0]), run.Token);

        var (type, body) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('E', type);
        Assert.Equal("28000", ErrorFields(body)['C']);
        Assert.Null((await run.ResultAsync()).Authentication);
    }

    [Fact]
    public async Task RunAsync_UnsupportedProtocolVersion_SendsFatal0A000()
    {
        await using var run = await AcceptorRun.StartAsync();

        await run.Client.WriteAsync(StartupPacket(Int32(2 << 16), CString("user"), CString(User), [0]), run.Token);

        var (type, body) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('E', type);
        Assert.Equal("0A000", ErrorFields(body)['C']);
    }

    [Fact]
    public async Task RunAsync_NewerMinorVersionWithProtocolOption_SendsNegotiateProtocolVersion()
    {
        await using var run = await AcceptorRun.StartAsync();

        await run.Client.WriteAsync(StartupPacket(Int32((3 << 16) | 2), CString("user"), CString(User), CString("_pq_.future"), CString("x"), [0]), run.Token);

        var (type, body) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('v', type);
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(body));
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(4)));
        Assert.Equal("_pq_.future\0", Encoding.ASCII.GetString(body, 8, body.Length - 8));
        (type, _) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('R', type);
    }

    [Fact]
    public async Task RunAsync_GssEncRequest_AnsweredNThenStartupProceeds()
    {
        await using var run = await AcceptorRun.StartAsync();

        await run.Client.WriteAsync(StartupPacket(Int32(80877104)), run.Token);
        var answer = new byte[1];
        await run.Client.ReadExactlyAsync(answer, run.Token);
        await run.Client.WriteAsync(StartupMessage(User), run.Token);

        Assert.Equal((byte)'N', answer[0]);
        var (type, body) = await ReadMessageAsync(run.Client, run.Token);
        Assert.Equal('R', type);
        Assert.Equal(10, BinaryPrimitives.ReadInt32BigEndian(body));
    }

    [Fact]
    public async Task RunAsync_RequireTlsAndClientWithoutTls_RefusesWith28000()
    {
        await using var run = await AcceptorRun.StartAsync(new PostgreSqlAcceptorOptions { ServerCertificate = Certificate, RequireTls = true });

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => run.ConnectClientAsync(Password, ClientTlsMode.Disable));

        Assert.Equal("28000", ex.ServerErrorCode);
        Assert.Equal(AuthErrorCode.PolicyViolation, (await run.ResultAsync()).FailureReason);
    }

    [Fact]
    public async Task RunAsync_OurClientOverTls_AuthenticatesWithScramPlus()
    {
        await using var run = await AcceptorRun.StartAsync(new PostgreSqlAcceptorOptions { ServerCertificate = Certificate, RequireTls = true });

        var client = await run.ConnectClientAsync(Password, ClientTlsMode.Require, ScramChannelBinding.Require);
        await client.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, run.Token);

        Assert.Equal("SCRAM-SHA-256-PLUS", Assert.Single(client.Authentication.Factors).PluginName);
        Assert.Equal('I', client.TransactionStatus);
        Assert.Equal("UTF8", client.ServerParameters["server_encoding"]);
        Assert.NotEqual(0, client.ProcessId);
        var result = await run.ResultAsync();
        Assert.True(result.IsEncrypted);
        Assert.NotNull(result.Authentication);
        Assert.Equal(["SCRAM-SHA-256-PLUS"], Assert.Single(result.Authentication.Factors).PluginsTried);
        await client.Stream.DisposeAsync();
    }

    [Theory]
    [InlineData("not the password")]
    [InlineData(null)]
    public async Task RunAsync_WrongPasswordOrUnknownUser_Sends28P01(string? password)
    {
        await using var run = await AcceptorRun.StartAsync();

        // null: the right password for a user the server does not know; it must fail exactly like a wrong password.
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => run.ConnectClientAsync(password ?? Password, ClientTlsMode.Disable, user: password is null ? "mallory" : User));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("28P01", ex.ServerErrorCode);
        Assert.Contains("password authentication failed for user", ex.Message, StringComparison.Ordinal);
        Assert.Equal(AuthErrorCode.InvalidCredential, (await run.ResultAsync()).FailureReason);
    }

    [Fact]
    public async Task RunAsync_QueryAfterLogin_Answers0A000ThenReadyForQuery()
    {
        await using var run = await AcceptorRun.StartAsync();
        var client = await run.ConnectClientAsync(Password, ClientTlsMode.Disable);

        await client.Stream.WriteAsync(Message('Q', CString("SELECT 1")), run.Token);
        var (errorType, errorBody) = await ReadMessageAsync(client.Stream, run.Token);
        var (readyType, readyBody) = await ReadMessageAsync(client.Stream, run.Token);
        await client.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, run.Token);

        Assert.Equal('E', errorType);
        var fields = ErrorFields(errorBody);
        Assert.Equal("ERROR", fields['V']);
        Assert.Equal("0A000", fields['C']);
        Assert.Equal(QueryRefused, fields['M']);
        Assert.Equal('Z', readyType);
        Assert.Equal((byte)'I', readyBody[0]);
        var result = await run.ResultAsync();
        Assert.NotNull(result.Authentication);
        Assert.Equal(User, result.UserName);
    }

    [Fact]
    public async Task RunAsync_CancelledAfterLogin_ReturnsTheAuthenticatedResult()
    {
        // A server shutting down while a logged-in client idles: the login happened, so the session
        // ends with its result (for the server's log), not with an OperationCanceledException.
        await using var run = await AcceptorRun.StartAsync();
        _ = await run.ConnectClientAsync(Password, ClientTlsMode.Disable);

        await run.CancelSessionAsync();
        var result = await run.ResultAsync();

        Assert.NotNull(result.Authentication);
        Assert.Equal(User, result.UserName);
    }

    [Fact]
    public async Task RunAsync_ExtendedQueryAfterLogin_OneErrorUntilSync()
    {
        await using var run = await AcceptorRun.StartAsync();
        var client = await run.ConnectClientAsync(Password, ClientTlsMode.Disable);

        // Parse, Bind, Execute, Sync: one ErrorResponse for the batch, then ReadyForQuery at the Sync.
        await client.Stream.WriteAsync(
            (byte[])[
                .. Message('P', CString(""), CString("SELECT 1"), [0, 0]),
                .. Message('B', CString(""), CString(""), [0, 0, 0, 0, 0, 0]),
                .. Message('E', CString(""), Int32(0)),
                .. Message('S'),
            ],
            run.Token);
        var (first, _) = await ReadMessageAsync(client.Stream, run.Token);
        var (second, _) = await ReadMessageAsync(client.Stream, run.Token);
        await client.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, run.Token);

        Assert.Equal('E', first);
        Assert.Equal('Z', second);
        Assert.NotNull((await run.ResultAsync()).Authentication);
    }

    /// <summary>One acceptor session on a loopback connection, the client end for the test to drive.</summary>
    private sealed class AcceptorRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(20));
        private readonly CancellationTokenSource _sessionCts = new();
        private CancellationTokenSource? _linked;
        private ServiceProvider? _services;
        private LoopbackPair? _pair;
        private Task<PostgreSqlAcceptorResult>? _session;

        public System.Net.Sockets.NetworkStream Client => _pair!.Client;

        public CancellationToken Token => _cts.Token;

        public static async Task<AcceptorRun> StartAsync(PostgreSqlAcceptorOptions? options = null)
        {
            var run = new AcceptorRun();
            run._services = Services();
            run._pair = await ConnectAsync(run.Token);
            run._linked = CancellationTokenSource.CreateLinkedTokenSource(run.Token, run._sessionCts.Token);
            run._session = RunAcceptorAsync(run._services, run._pair.Server, options ?? new PostgreSqlAcceptorOptions(), run._linked.Token);
            return run;
        }

        public async Task<PostgreSqlStartupResult> ConnectClientAsync(string password, ClientTlsMode sslMode, ScramChannelBinding binding = ScramChannelBinding.Prefer, string user = User)
        {
            await using var clientServices = Services(binding);
            using var credentials = AuthCredentials.FromPasswords(user, password);
            return await RunClientAsync(clientServices, Client, credentials, new PostgreSqlClientOptions { TlsMode = sslMode, Database = "postgres" }, Token);
        }

        public Task<PostgreSqlAcceptorResult> ResultAsync() => _session!.WaitAsync(Token);

        public void CloseServer() => _pair!.Server.Close();

        /// <summary>Cancels the session's token, as a server that is shutting down.</summary>
        public Task CancelSessionAsync() => _sessionCts.CancelAsync();

        public async ValueTask DisposeAsync()
        {
            _pair?.Dispose();
            if (_session is not null)
            {
                _ = await _session.WaitAsync(TimeSpan.FromSeconds(20));
            }

            if (_services is not null)
            {
                await _services.DisposeAsync();
            }

            _cts.Dispose();
            _sessionCts.Dispose();
            _linked?.Dispose();
        }
    }
}
