using System.Text;
using static Handshake.Protocols.PostgreSql.Tests.PgTestSupport;

namespace Handshake.Protocols.PostgreSql.Tests;

/// <summary>Our client (<see cref="PostgreSqlStartup"/>) against a scripted server that misbehaves on purpose.</summary>
public sealed class PostgreSqlStartupTests
{
    private static PostgreSqlClientOptions Plain => new() { TlsMode = ClientTlsMode.Disable, Timeout = TimeSpan.FromSeconds(20) };

    [Fact]
    public async Task AuthenticateAsync_LengthBeyondMaxMessageLength_ThrowsProtocolViolation()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);

            // 'R' claiming a ~2 GiB body, and nothing behind it.
            await server.WriteAsync(new byte[] { (byte)'R', 0x7F, 0xFF, 0xFF, 0xF0 }, ct);
        });

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.Contains("length 2147483632", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_LengthBeyondMaxMessageLength_AllocatesNothingNearTheClaimedLength()
    {
        // The whole process's allocations: other tests running meanwhile add a few MiB at most, never 1 GiB.
        var before = GC.GetTotalAllocatedBytes(precise: true);
        _ = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);
            await server.WriteAsync(new byte[] { (byte)'R', 0x40, 0x00, 0x00, 0x00 }, ct);
        });

        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - before, 0, 256L << 20);
    }

    [Fact]
    public async Task AuthenticateAsync_NegativeLength_ThrowsProtocolViolation()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);
            await server.WriteAsync(new byte[] { (byte)'R', 0xFF, 0xFF, 0xFF, 0xFF }, ct);
        });

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_ConnectionClosedMidMessage_ThrowsTransportFailure()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);

            // Says 100 bytes follow, sends 8, then closes (the script's end closes the server side).
            await server.WriteAsync(new byte[] { (byte)'R', 0, 0, 0, 104, 0, 0, 0, 10, (byte)'S', (byte)'C', (byte)'R', (byte)'A' }, ct);
        });

        Assert.Equal(AuthErrorCode.TransportFailure, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_MechanismListWithoutTerminator_ThrowsProtocolViolation()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);

            // AuthenticationSASL whose body ends inside the mechanism name (no NUL).
            await server.WriteAsync(Message('R', Int32(10), Encoding.ASCII.GetBytes("SCRAM-SHA-256")), ct);
        });

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Theory]
    [InlineData('Z')]
    [InlineData('D')]
    [InlineData('S')]
    public async Task AuthenticateAsync_UnexpectedMessageDuringAuthentication_ThrowsProtocolViolation(char type)
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);
            await server.WriteAsync(Message(type, [(byte)'I']), ct);
        });

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.Contains($"'{type}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownAuthenticationCode_ThrowsProtocolViolation()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);
            await server.WriteAsync(Message('R', Int32(42)), ct);
        });

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_ErrorResponse_MapsSqlStateAndMessageWithoutSecret()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);
            await server.WriteAsync(Message('E', [(byte)'S'], CString("FATAL"), [(byte)'V'], CString("FATAL"), [(byte)'C'], CString("28P01"), [(byte)'M'], CString("password authentication failed for user \"alice\"\u0007"), [0]), ct);
        });

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("28P01", ex.ServerErrorCode);
        Assert.Contains("password authentication failed for user \"alice\"", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0007', ex.Message);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_ErrorResponseAfterAuthenticationOk_ThrowsServerRejectedWithSqlState()
    {
        // A 'trust' server (allowed here) says OK, then finds no such database: the session never starts.
        var ex = await RunAgainstScriptAsync(
            async (server, ct) =>
            {
                await ReadStartupPacketAsync(server, ct);
                await server.WriteAsync(Message('R', Int32(0)), ct);
                await server.WriteAsync(Message('E', [(byte)'S'], CString("FATAL"), [(byte)'C'], CString("3D000"), [(byte)'M'], CString("database \"nope\" does not exist"), [0]), ct);
            },
            allowTrust: true);

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("3D000", ex.ServerErrorCode);
    }

    [Fact]
    public async Task AuthenticateAsync_AuthenticationOkWithoutAnyExchange_ThrowsProtocolViolationByDefault()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);
            await server.WriteAsync(Message('R', Int32(0)), ct);
            await server.WriteAsync(Message('Z', [(byte)'I']), ct);
        });

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.Contains("AllowUnauthenticatedSuccess", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_AuthenticationOkWithoutSaslFinal_ThrowsServerSignatureMissing()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);
            await server.WriteAsync(Message('R', Int32(10), CString("SCRAM-SHA-256"), [0]), ct);

            // SASLInitialResponse: mechanism, Int32 length, client-first "n,,n=,r=<nonce>".
            var (type, body) = await ReadMessageAsync(server, ct);
            Assert.Equal('p', type);
            var clientFirst = Encoding.ASCII.GetString(body, "SCRAM-SHA-256".Length + 1 + 4, body.Length - "SCRAM-SHA-256".Length - 1 - 4);
            var clientNonce = clientFirst[(clientFirst.IndexOf(",r=", StringComparison.Ordinal) + 3)..];
            var serverFirst = $"r={clientNonce}serverpart,s={Convert.ToBase64String(new byte[16])},i=4096";
            await server.WriteAsync(Message('R', Int32(11), Encoding.ASCII.GetBytes(serverFirst)), ct);

            // The client-final (with its proof) arrives; a server that never knew the password skips SASLFinal.
            (type, _) = await ReadMessageAsync(server, ct);
            Assert.Equal('p', type);
            await server.WriteAsync(Message('R', Int32(0)), ct);
            await server.WriteAsync(Message('Z', [(byte)'I']), ct);
        });

        Assert.Equal(AuthErrorCode.ServerSignatureMissing, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_SaslContinueBeforeInitialResponse_ThrowsProtocolViolation()
    {
        var ex = await RunAgainstScriptAsync(async (server, ct) =>
        {
            await ReadStartupPacketAsync(server, ct);
            await server.WriteAsync(Message('R', Int32(11), Encoding.ASCII.GetBytes("r=abc,s=AAAA,i=4096")), ct);
        });

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_SslRequestAnsweredNWithSslModeRequire_ThrowsPolicyViolation()
    {
        // Our own acceptor without a certificate answers the SSLRequest with 'N'.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var sp = Services();
        using var pair = await ConnectAsync(cts.Token);
        var serverTask = RunAcceptorAsync(sp, pair.Server, new PostgreSqlAcceptorOptions(), cts.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);

        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => RunClientAsync(sp, pair.Client, credentials, new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Require }, cts.Token));
        pair.Client.Close();

        Assert.Equal(AuthErrorCode.PolicyViolation, ex.Code);
        Assert.Null((await serverTask).Authentication);
    }

    [Fact]
    public async Task AuthenticateAsync_SslRequestAnsweredWithGarbage_ThrowsProtocolViolation()
    {
        var ex = await RunAgainstScriptAsync(
            async (server, ct) =>
            {
                await ReadStartupPacketAsync(server, ct);
                await server.WriteAsync(new byte[] { (byte)'X' }, ct);
            },
            sslMode: ClientTlsMode.Require);

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task AuthenticateAsync_SslRequestAnsweredNWithSslModePrefer_ContinuesInCleartext()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var sp = Services();
        using var pair = await ConnectAsync(cts.Token);
        var serverTask = RunAcceptorAsync(sp, pair.Server, new PostgreSqlAcceptorOptions(), cts.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);

        var result = await RunClientAsync(sp, pair.Client, credentials, new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Prefer }, cts.Token);
        await pair.Client.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, cts.Token);

        Assert.False(result.Transport.IsEncrypted);
        Assert.Equal('I', result.TransactionStatus);
        Assert.NotNull((await serverTask).Authentication);
    }

    [Theory]
    [InlineData("alice\0options\0-c log_connections=off", null)]
    [InlineData("alice", "postgres\0options")]
    public async Task AuthenticateAsync_NulInStartupString_ThrowsBeforeSendingAnything(string user, string? database)
    {
        // A NUL would end the string early and let the rest be read as another startup parameter.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var sp = Services();
        using var pair = await ConnectAsync(cts.Token);
        using var credentials = AuthCredentials.FromPasswords(user, Password);

        await Assert.ThrowsAsync<ArgumentException>(
            () => RunClientAsync(sp, pair.Client, credentials, new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable, Database = database }, cts.Token));
        pair.Client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        Assert.Equal(0, await pair.Server.ReadAsync(new byte[1], cts.Token));
    }

    [Fact]
    public async Task AuthenticateAsync_NulInStartupParameter_ThrowsArgumentException()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var sp = Services();
        using var pair = await ConnectAsync(cts.Token);
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var options = new PostgreSqlClientOptions { TlsMode = ClientTlsMode.Disable };
        options.StartupParameters["application_name"] = "app\0user\0postgres";

        await Assert.ThrowsAsync<ArgumentException>(() => RunClientAsync(sp, pair.Client, credentials, options, cts.Token));
    }

    /// <summary>Runs our client (SCRAM, sslmode disable unless given) against a script; returns the exception it must throw.</summary>
    private static async Task<HandshakeException> RunAgainstScriptAsync(Func<Stream, CancellationToken, Task> script, ClientTlsMode sslMode = ClientTlsMode.Disable, bool allowTrust = false)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var sp = Services(allowTrust: allowTrust);
        using var pair = await ConnectAsync(cts.Token);
        var serverTask = Task.Run(async () =>
        {
            await script(pair.Server, cts.Token);
            await pair.Server.FlushAsync(cts.Token);

            // The script's end is the server closing its side: a client still waiting sees end of stream.
            pair.Server.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        });
        using var credentials = AuthCredentials.FromPasswords(User, Password);
        var options = Plain;
        options.TlsMode = sslMode;
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => RunClientAsync(sp, pair.Client, credentials, options, cts.Token));
        await serverTask;
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
        return ex;
    }
}
