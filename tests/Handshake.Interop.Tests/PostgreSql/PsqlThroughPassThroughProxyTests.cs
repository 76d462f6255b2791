using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>
/// SCRAM pass-through, as PgBouncer and postgres_fdw's scram_client_key do it: psql logs in to our
/// PostgreSQL acceptor, whose stored verifier for the role is the one read from the real PostgreSQL's
/// pg_authid; the verifier recovers ClientKey, and our PostgreSQL client logs in to the real server as
/// that role with ClientKey and ServerKey. The middle never sees the password. psql's query then runs on
/// the backend connection, so psql printing the backend's <c>current_user</c> proves the proxied login.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PsqlThroughPassThroughProxyTests(PostgresServer server)
{
    private const string Password = "pass-through\u00A0secret";

    [Theory]
    [InlineData("sslmode=disable", ClientTlsMode.Disable, "SCRAM-SHA-256", "SCRAM-SHA-256")]
    [InlineData("sslmode=require channel_binding=require", ClientTlsMode.Require, "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256-PLUS")]
    public async Task Psql_ProxyWithRecoveredKey_QueryRunsOnBackendAsTheRole(string psqlSettings, ClientTlsMode backendTls, string frontMechanism, string backendMechanism)
    {
        var role = "hs_pass_" + (backendTls == ClientTlsMode.Disable ? "plain" : "tls");
        await PgRoles.CreateAsync(server, role, Password);
        var verifier = await ReadVerifierAsync(role);
        var proxy = new Proxy(server, backendTls);
        await using var host = PgAcceptorHost.StartPassThrough(new Dictionary<string, string>(StringComparer.Ordinal) { [role] = verifier }, proxy.ServeAsync, TestServerCertificate.Instance);

        var outcome = await RunPsqlAsync(host, role, psqlSettings, "SELECT current_user || '@' || current_setting('port')");

        Assert.True(outcome.ExitCode == 0, outcome.Combined);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{role}@{server.Port}"), outcome.StandardOutput.Trim());
        var session = Assert.Single(await host.WaitForResultsAsync());
        PgAssert.Mechanism(frontMechanism, session);
        var backend = proxy.Backend!;
        Assert.Equal(role, backend.UserName);
        Assert.Equal(role, backend.ServerParameters["session_authorization"]);
        Assert.Equal(backendMechanism, Assert.Single(backend.Authentication.Factors).Mechanism);
        Assert.True(proxy.KeyWasWiped);
        Assert.DoesNotContain(Password, outcome.Combined, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_BackendVerifierHasAnotherSalt_ProxyFailsWithPassThroughMismatch()
    {
        // The same password set again gets a fresh salt: the front end keeps the old verifier, the backend the new one.
        const string Role = "hs_pass_resalted";
        await PgRoles.CreateAsync(server, Role, Password);
        var frontVerifier = await ReadVerifierAsync(Role);
        _ = await server.ExecuteAsync($"SET password_encryption = 'scram-sha-256';\nALTER ROLE {Role} PASSWORD {PgRoles.UnicodeEscapedLiteral(Password)};\n");
        Assert.NotEqual(frontVerifier, await ReadVerifierAsync(Role));
        var proxy = new Proxy(server, ClientTlsMode.Disable);
        await using var host = PgAcceptorHost.StartPassThrough(new Dictionary<string, string>(StringComparer.Ordinal) { [Role] = frontVerifier }, proxy.ServeAsync);

        var outcome = await RunPsqlAsync(host, Role, "sslmode=disable", "SELECT 1");

        Assert.NotEqual(0, outcome.ExitCode);
        var failure = Assert.IsType<HandshakeException>(proxy.Failure);
        Assert.Equal(AuthErrorCode.PassThroughMismatch, failure.Code);
        Assert.Contains($"verifier for user '{Role}' uses a different salt than the front end's; pass-through needs the same stored verifier on both", failure.Message, StringComparison.Ordinal);
        Assert.Contains("different salt", outcome.StandardError, StringComparison.Ordinal);
        Assert.True(proxy.KeyWasWiped);
    }

    private async Task<string> ReadVerifierAsync(string role) =>
        (await server.ExecuteAsync($"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}';")).Trim();

    private async Task<ProcessOutcome> RunPsqlAsync(PgAcceptorHost host, string role, string settings, string query)
    {
        server.EnsureAvailable();
        var conninfo = string.Create(CultureInfo.InvariantCulture, $"host={PgAcceptorHost.Host} port={host.Port} user={role} dbname=postgres connect_timeout=15 {settings}");
        return await ExternalProcess.RunAsync(
            server.Psql,
            ["-X", "-w", "-At", "-c", query, conninfo],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PGPASSWORD"] = Password,
                ["PGPASSFILE"] = "/dev/null",
                ["PGSERVICEFILE"] = "/dev/null",
            },
            timeout: TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// The proxy's session: logs in to the backend with the recovered key (disposing it right after), then
    /// relays simple queries from psql to the backend and the backend's answers back, until Terminate.
    /// </summary>
    private sealed class Proxy(PostgresServer server, ClientTlsMode backendTls)
    {
        public PostgreSqlStartupResult? Backend { get; private set; }

        public Exception? Failure { get; private set; }

        public bool KeyWasWiped { get; private set; }

        public async Task ServeAsync(AuthResult login, Stream client, CancellationToken cancellationToken)
        {
            var services = new ServiceCollection();
            services.AddHandshake().AddScram();
            await using var sp = services.BuildServiceProvider();
            using var tcp = new TcpClient();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            var key = login.PassThroughCredential ?? throw new InvalidOperationException("The front end recovered no pass-through key.");
            try
            {
                await tcp.ConnectAsync(server.Host, server.Port, deadline.Token);
                var options = new PostgreSqlClientOptions { TlsMode = backendTls, Database = "postgres", Timeout = TimeSpan.FromSeconds(30) };
                using (var credentials = new AuthCredentials(login.UserName, AuthSecret.FromPassThrough(key)))
                {
                    Backend = await PostgreSqlStartup.ConnectAsync(tcp.GetStream(), options, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials, deadline.Token);
                }
            }
            catch (HandshakeException ex)
            {
                Failure = ex;
                await PgMessages.WriteErrorAsync(client, "FATAL", "28000", ex.Message, deadline.Token);
                return;
            }
            finally
            {
                // Kept for the backend login only (the connection's lifetime at most).
                key.Dispose();
                KeyWasWiped = key.IsDisposed;
            }

            await using var backend = Backend.Stream;
            while (true)
            {
                var (type, body) = await PgMessages.ReadAsync(client, deadline.Token);
                if (type is null or (byte)'X')
                {
                    await PgMessages.WriteAsync(backend, (byte)'X', [], deadline.Token);
                    return;
                }

                await PgMessages.WriteAsync(backend, type.Value, body, deadline.Token);
                if (type != (byte)'Q')
                {
                    continue;
                }

                // Relay the backend's answer up to and including ReadyForQuery.
                while (true)
                {
                    var (answer, data) = await PgMessages.ReadAsync(backend, deadline.Token);
                    if (answer is null)
                    {
                        return;
                    }

                    await PgMessages.WriteAsync(client, answer.Value, data, deadline.Token);
                    if (answer == (byte)'Z')
                    {
                        break;
                    }
                }
            }
        }
    }

    /// <summary>PostgreSQL's message framing (a type byte, a length that counts itself, the body), for the relay.</summary>
    private static class PgMessages
    {
        private const int MaxBody = 1 << 20;

        public static async Task<(byte? Type, byte[] Body)> ReadAsync(Stream stream, CancellationToken cancellationToken)
        {
            var header = new byte[5];
            try
            {
                await stream.ReadExactlyAsync(header, cancellationToken);
            }
            catch (EndOfStreamException)
            {
                return (null, []);
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            if (length < 4 || length - 4 > MaxBody)
            {
                throw new InvalidDataException($"A PostgreSQL message of length {length} is out of bounds.");
            }

            var body = new byte[length - 4];
            await stream.ReadExactlyAsync(body, cancellationToken);
            return (header[0], body);
        }

        public static async Task WriteAsync(Stream stream, byte type, byte[] body, CancellationToken cancellationToken)
        {
            var message = new byte[5 + body.Length];
            message[0] = type;
            BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + body.Length);
            body.CopyTo(message, 5);
            await stream.WriteAsync(message, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        public static Task WriteErrorAsync(Stream stream, string severity, string code, string message, CancellationToken cancellationToken)
        {
            var body = new List<byte>();
            foreach (var (field, value) in new[] { ('S', severity), ('V', severity), ('C', code), ('M', message) })
            {
                body.Add((byte)field);
                body.AddRange(System.Text.Encoding.UTF8.GetBytes(value));
                body.Add(0);
            }

            body.Add(0);
            return WriteAsync(stream, (byte)'E', [.. body], cancellationToken);
        }
    }
}
