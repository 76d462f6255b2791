using Handshake.Interop.Tests.Infrastructure;
using Npgsql;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>
/// Pairing 9: Npgsql against our acceptor, with <c>Channel Binding=Require</c> over TLS and
/// without TLS. <c>Server Compatibility Mode=NoTypeLoading</c> keeps Open() from querying pg_type (our
/// acceptor runs no queries); what Open() needs from the startup phase (AuthenticationOk,
/// ParameterStatus, BackendKeyData, ReadyForQuery) is what is under test.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class NpgsqlToOurAcceptorTests
{
    private const string User = "npgsql_alice";

    // Fullwidth letters: Npgsql prepares the password (SASLprep NFKC) as our stored credential did.
    private const string Password = "\uFF4E\uFF50\uFF47-secret";

    [Fact]
    public async Task OpenAsync_SslRequireChannelBindingRequire_AuthenticatesWithScramPlus()
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        await using (var connection = await OpenAsync(host, Password, "SSL Mode=Require;Channel Binding=Require;Trust Server Certificate=true"))
        {
            Assert.Equal(System.Data.ConnectionState.Open, connection.State);
            Assert.StartsWith("15.0", connection.PostgreSqlVersion.ToString(), StringComparison.Ordinal);
        }

        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.True(session.IsEncrypted);
        PgAssert.Mechanism("SCRAM-SHA-256-PLUS", session);
    }

    [Fact]
    public async Task OpenAsync_SslDisable_AuthenticatesWithScram()
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        await using (var connection = await OpenAsync(host, Password, "SSL Mode=Disable"))
        {
            Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        }

        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.False(session.IsEncrypted);
        PgAssert.Mechanism("SCRAM-SHA-256", session);
    }

    [Fact]
    public async Task ExecuteScalarAsync_AfterOpen_ThrowsFeatureNotSupported()
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);
        await using var connection = await OpenAsync(host, Password, "SSL Mode=Disable");
        await using var command = new NpgsqlCommand("SELECT 1", connection);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());

        Assert.Equal("0A000", ex.SqlState);
    }

    [Theory]
    [InlineData("SSL Mode=Require;Channel Binding=Require;Trust Server Certificate=true")]
    [InlineData("SSL Mode=Disable")]
    public async Task OpenAsync_WrongPassword_ThrowsPostgresException28P01(string settings)
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(host, "not-the-password", settings));

        Assert.Equal("28P01", ex.SqlState);
        Assert.Equal($"password authentication failed for user \"{User}\"", ex.MessageText);
        // Npgsql may try a second time on its own; every attempt must have failed as a wrong password.
        Assert.All(await host.WaitForResultsAsync(), session => Assert.Equal(AuthErrorCode.InvalidCredential, session.FailureReason));
    }

    private static Dictionary<string, string> Users() => new(StringComparer.Ordinal) { [User] = Password };

    private static async Task<NpgsqlConnection> OpenAsync(PgAcceptorHost host, string password, string settings)
    {
        var builder = new NpgsqlConnectionStringBuilder($"{settings};Server Compatibility Mode=NoTypeLoading")
        {
            Host = PgAcceptorHost.Host,
            Port = host.Port,
            Username = User,
            Password = password,
            Database = "postgres",
            Pooling = false,
            Timeout = 15,
            CommandTimeout = 15,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await connection.OpenAsync(cts.Token);
            return connection;
        }
        catch (PostgresException ex) when (ex.SqlState == "28000")
        {
            // Not the wrong-password code: say what our acceptor logged, so the failure explains itself.
            await connection.DisposeAsync();
            var session = (await host.WaitForResultsAsync()).Last();
            throw new InvalidOperationException($"Npgsql was refused with 28000; the acceptor logged {session.FailureReason}: {session.FailureDetail}", ex);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
