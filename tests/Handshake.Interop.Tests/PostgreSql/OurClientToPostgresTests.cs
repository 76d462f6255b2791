using Handshake.Interop.Tests.Infrastructure;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>
/// Pairing 1: our client, SCRAM-SHA-256, against the real PostgreSQL 15 that tests/run.sh
/// started, with roles whose passwords PostgreSQL prepares with SASLprep and roles where it falls back
/// to the raw UTF-8 bytes. A password that differs in the prepared form from the raw bytes tells the
/// two behaviours apart: the login works only if our client prepared it exactly as PostgreSQL did.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class OurClientToPostgresTests(PostgresServer server)
{
    // Keyed by case name, so the passwords never appear in test names or output.
    private static readonly Dictionary<string, string> Passwords = new(StringComparer.Ordinal)
    {
        ["ascii"] = "correct horse battery staple",
        ["soft_hyphen"] = "pass\u00ADword",
        ["nbsp"] = "pass\u00A0word",
        ["fullwidth"] = "\uFF50\uFF41\uFF53\uFF53",
        ["ligature"] = "\uFB01sh",
        ["raw_control_bel"] = "\uFB01\u0007",
        ["raw_emoji"] = "\uFB01\U0001F600",
    };

    // Not "fish": the ligature password U+FB01 "sh" prepares (NFKC) to exactly that.
    private const string WrongPassword = "not-the-password";

    public static TheoryData<string> Cases => [.. Passwords.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AuthenticateAsync_ScramSslDisable_ReachesReadyForQuery(string name)
    {
        var role = $"hs_pgc_plain_{name}";
        await PgRoles.CreateAsync(server, role, Passwords[name]);

        var result = await PgClient.ConnectAsync(server.Host, server.Port, role, Passwords[name], Options(ClientTlsMode.Disable));

        AssertLoggedIn(result, role, encrypted: false);
        Assert.Equal("SCRAM-SHA-256", Assert.Single(result.Authentication.Factors).PluginName);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AuthenticateAsync_ScramSslRequire_ReachesReadyForQuery(string name)
    {
        var role = $"hs_pgc_tls_{name}";
        await PgRoles.CreateAsync(server, role, Passwords[name]);

        // Prefer binding (the default): over TLS PostgreSQL offers -PLUS and the client takes it.
        var result = await PgClient.ConnectAsync(server.Host, server.Port, role, Passwords[name], Options(ClientTlsMode.Require));

        AssertLoggedIn(result, role, encrypted: true);
        Assert.Equal("SCRAM-SHA-256-PLUS", Assert.Single(result.Authentication.Factors).PluginName);
    }

    [Fact]
    public async Task AuthenticateAsync_ScramSslRequireBindingDisabled_UsesPlainMechanism()
    {
        const string Role = "hs_pgc_tls_nobind";
        await PgRoles.CreateAsync(server, Role, Passwords["nbsp"]);

        var result = await PgClient.ConnectAsync(server.Host, server.Port, Role, Passwords["nbsp"], Options(ClientTlsMode.Require), ScramChannelBinding.Disable);

        AssertLoggedIn(result, Role, encrypted: true);
        Assert.Equal("SCRAM-SHA-256", Assert.Single(result.Authentication.Factors).PluginName);
    }

    [Theory]
    [InlineData(ClientTlsMode.Disable)]
    [InlineData(ClientTlsMode.Require)]
    public async Task AuthenticateAsync_WrongPassword_ThrowsServerRejected28P01(ClientTlsMode sslMode)
    {
        var role = $"hs_pgc_wrong_{(int)sslMode}";
        await PgRoles.CreateAsync(server, role, Passwords["ligature"]);

        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, role, WrongPassword, Options(sslMode)));

        Assert.Equal(AuthErrorCode.ServerRejected, ex.Code);
        Assert.Equal("28P01", ex.ServerErrorCode);
        Assert.Contains($"password authentication failed for user \"{role}\"", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_SoftHyphenPassword_PreparedFormAcceptedRawFormRefused()
    {
        // PostgreSQL prepared this password (soft hyphen removed); the raw bytes with the hyphen are a different password.
        const string Role = "hs_pgc_prepared_only";
        await PgRoles.CreateAsync(server, Role, Passwords["soft_hyphen"]);

        var ok = await PgClient.ConnectAsync(server.Host, server.Port, Role, "password", Options(ClientTlsMode.Disable));

        // "pass\u00ADword" prepares to "password": both spellings are the same credential.
        AssertLoggedIn(ok, Role, encrypted: false);
        var ex = await Assert.ThrowsAsync<HandshakeException>(
            () => PgClient.ConnectAsync(server.Host, server.Port, Role, "pass-word", Options(ClientTlsMode.Disable)));
        Assert.Equal("28P01", ex.ServerErrorCode);
    }

    internal static PostgreSqlClientOptions Options(ClientTlsMode sslMode) => new()
    {
        TlsMode = sslMode,
        Database = "postgres",
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static void AssertLoggedIn(PostgreSqlStartupResult result, string role, bool encrypted)
    {
        Assert.Equal('I', result.TransactionStatus);
        Assert.Equal(encrypted, result.Transport.IsEncrypted);
        Assert.StartsWith("15", result.ServerParameters["server_version"], StringComparison.Ordinal);
        Assert.Equal("UTF8", result.ServerParameters["server_encoding"]);
        Assert.Equal(role, result.ServerParameters["session_authorization"]);
        Assert.NotEqual(0, result.ProcessId);
        Assert.Equal(role, result.Authentication.UserName);
    }
}
