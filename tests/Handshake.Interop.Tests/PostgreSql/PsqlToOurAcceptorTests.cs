using System.Globalization;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>
/// Pairing 3: psql (libpq 15) against our acceptor. psql runs <c>SELECT 1</c>; our session
/// answers every query with feature_not_supported, so psql printing that ERROR proves it logged in
/// (libpq would have printed a FATAL from the startup phase otherwise). The password reaches psql
/// through PGPASSWORD, never argv.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PsqlToOurAcceptorTests(PostgresServer server)
{
    private const string User = "psql_alice";

    // NBSP: libpq prepares it to a space (SASLprep), as our verifier's stored credential did.
    private const string Password = "psql\u00A0secret";

    private const string QueryRefused = "ERROR:  this server (Handshake's PostgreSQL acceptor) authenticates connections and runs no queries";

    [Fact]
    public async Task Psql_SslRequireChannelBindingRequire_AuthenticatesWithScramPlus()
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        var outcome = await RunPsqlAsync(host, Password, "sslmode=require channel_binding=require");

        Assert.Contains(QueryRefused, outcome.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("FATAL", outcome.StandardError, StringComparison.Ordinal);
        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.True(session.IsEncrypted);
        Assert.NotNull(session.Authentication);
        PgAssert.Mechanism("SCRAM-SHA-256-PLUS", session);
        Assert.Equal(User, session.UserName);
        Assert.Equal("postgres", session.Database);
    }

    [Fact]
    public async Task Psql_SslDisable_AuthenticatesWithScram()
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        var outcome = await RunPsqlAsync(host, Password, "sslmode=disable");

        Assert.Contains(QueryRefused, outcome.StandardError, StringComparison.Ordinal);
        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.False(session.IsEncrypted);
        Assert.NotNull(session.Authentication);
        PgAssert.Mechanism("SCRAM-SHA-256", session);
    }

    [Fact]
    public async Task Psql_ServerWithoutCertificateChannelBindingRequire_RefusesLocally()
    {
        // sslmode=prefer against a server that answers 'N': libpq itself refuses to run SCRAM without -PLUS.
        await using var host = PgAcceptorHost.Start(Users());

        var outcome = await RunPsqlAsync(host, Password, "sslmode=prefer channel_binding=require");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("channel binding", outcome.StandardError, StringComparison.Ordinal);
        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.Null(session.Authentication);
    }

    [Theory]
    [InlineData("sslmode=require channel_binding=require")]
    [InlineData("sslmode=disable")]
    public async Task Psql_WrongPassword_PrintsPasswordAuthenticationFailed(string settings)
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        var outcome = await RunPsqlAsync(host, "not-the-password", settings);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains($"FATAL:  password authentication failed for user \"{User}\"", outcome.StandardError, StringComparison.Ordinal);
        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.Null(session.Authentication);
        Assert.Equal(AuthErrorCode.InvalidCredential, session.FailureReason);
    }

    [Fact]
    public async Task Psql_UnknownUser_PrintsPasswordAuthenticationFailed()
    {
        // An unknown user fails exactly like a wrong password: nothing tells an attacker which names exist.
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        var outcome = await RunPsqlAsync(host, Password, "sslmode=disable", user: "psql_nobody");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("FATAL:  password authentication failed for user \"psql_nobody\"", outcome.StandardError, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Users() => new(StringComparer.Ordinal) { [User] = Password };

    private async Task<ProcessOutcome> RunPsqlAsync(PgAcceptorHost host, string password, string settings, string user = User)
    {
        server.EnsureAvailable();
        var conninfo = string.Create(CultureInfo.InvariantCulture, $"host={PgAcceptorHost.Host} port={host.Port} user={user} dbname=postgres connect_timeout=15 {settings}");
        return await ExternalProcess.RunAsync(
            server.Psql,
            ["-X", "-w", "-c", "SELECT 1", conninfo],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PGPASSWORD"] = password,
                ["PGPASSFILE"] = "/dev/null",
                ["PGSERVICEFILE"] = "/dev/null",
            },
            timeout: TimeSpan.FromSeconds(30));
    }
}
