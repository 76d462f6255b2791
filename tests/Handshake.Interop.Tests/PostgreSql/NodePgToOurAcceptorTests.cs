using System.Globalization;
using System.Text.Json;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>
/// Pairing 4: node-postgres (<c>pg</c>, tests/interop/node-pg/connect.js) against our acceptor,
/// with TLS and <c>enableChannelBinding: true</c> (SCRAM-SHA-256-PLUS) and without TLS. The password goes
/// to node through PGPASSWORD. connect.js prints one JSON line: a completed login, then how SELECT 1 went.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class NodePgToOurAcceptorTests
{
    private const string User = "nodepg_alice";

    // A ligature: pg prepares it (SASLprep NFKC) to "fi", as our stored credential did.
    private const string Password = "node-\uFB01-secret";

    [Fact]
    public async Task Connect_TlsWithChannelBinding_AuthenticatesWithScramPlus()
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        var output = await RunNodeAsync(host, Password, tls: true);

        Assert.True(output.GetProperty("ok").GetBoolean(), output.ToString());
        Assert.Equal("0A000", output.GetProperty("query").GetProperty("code").GetString());
        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.True(session.IsEncrypted);
        PgAssert.Mechanism("SCRAM-SHA-256-PLUS", session);
    }

    [Fact]
    public async Task Connect_NoTls_AuthenticatesWithScram()
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        var output = await RunNodeAsync(host, Password, tls: false);

        Assert.True(output.GetProperty("ok").GetBoolean(), output.ToString());
        Assert.Equal("0A000", output.GetProperty("query").GetProperty("code").GetString());
        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.False(session.IsEncrypted);
        PgAssert.Mechanism("SCRAM-SHA-256", session);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Connect_WrongPassword_Fails28P01(bool tls)
    {
        await using var host = PgAcceptorHost.Start(Users(), TestServerCertificate.Instance);

        var output = await RunNodeAsync(host, "not-the-password", tls);

        Assert.False(output.GetProperty("ok").GetBoolean());
        Assert.Equal("28P01", output.GetProperty("code").GetString());
        Assert.Equal($"password authentication failed for user \"{User}\"", output.GetProperty("message").GetString());
        var session = Assert.Single(await host.WaitForResultsAsync());
        Assert.Equal(AuthErrorCode.InvalidCredential, session.FailureReason);
    }

    private static Dictionary<string, string> Users() => new(StringComparer.Ordinal) { [User] = Password };

    private static async Task<JsonElement> RunNodeAsync(PgAcceptorHost host, string password, bool tls)
    {
        var directory = InteropEnvironment.NodePeerDirectory("node-pg");
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "pg")), "node_modules/pg is missing: run the suite with tests/run.sh (it runs npm ci).");
        var outcome = await ExternalProcess.RunAsync(
            "node",
            ["connect.js"],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PGHOST"] = PgAcceptorHost.Host,
                ["PGPORT"] = host.Port.ToString(CultureInfo.InvariantCulture),
                ["PGUSER"] = User,
                ["PGPASSWORD"] = password,
                ["PGDATABASE"] = "postgres",
                ["HANDSHAKE_PG_TLS"] = tls ? "1" : "0",
            },
            workingDirectory: directory,
            timeout: TimeSpan.FromSeconds(30));
        var line = outcome.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        Assert.True(line is not null, outcome.Combined);
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}
