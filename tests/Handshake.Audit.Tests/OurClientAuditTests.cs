using Handshake.Plugins.MariaDbPam;
using Handshake.Plugins.OAuthBearer;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Audit.Tests;

/// <summary>
/// Our own PostgreSQL and MySQL clients against every scenario. Each passes, except the findings listed in
/// <see cref="KnownFailures"/>: they are asserted to fail (so a fix flips the test and the list shrinks).
/// </summary>
public sealed class OurClientAuditTests
{
    /// <summary>Scenarios our clients are known to fail (none: a fix that regresses one fails its test).</summary>
    public static readonly IReadOnlySet<string> KnownFailures = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Without the OAUTHBEARER plugin the client refuses at AuthenticationSASL, so the error phase these scenarios test is not reached.</summary>
    private static readonly HashSet<string> NotReachedWithoutOAuthBearer = new HashSet<string>(StringComparer.Ordinal)
    {
        "pg.oauthbearer-error-oversized",
        "pg.oauthbearer-error-then-silence",
    };

    private static readonly AuditServerOptions Options = new() { Deadline = TimeSpan.FromSeconds(4), Certificate = OurAuditClients.Certificate };
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(2);

    public static TheoryData<string> PostgreSqlIds() => [.. AuditScenarios.PostgreSql.Select(s => s.Id)];

    public static TheoryData<string> MySqlIds() => [.. AuditScenarios.MySql.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(PostgreSqlIds))]
    public async Task PostgreSqlStartup_EveryScenario_Passes(string id)
    {
        var finding = await OurAuditClients.RunPostgreSqlAsync(AuditScenarios.Get(id), Options, ClientTimeout);

        Assert.True(finding.Verdict == (NotReachedWithoutOAuthBearer.Contains(id) ? AuditVerdict.NotApplicable : Expected(id)), Describe(finding));
    }

    [Theory]
    [MemberData(nameof(MySqlIds))]
    public async Task MySqlClientConnector_EveryScenario_PassesButKnownFailures(string id)
    {
        var finding = await OurAuditClients.RunMySqlAsync(AuditScenarios.Get(id), Options, ClientTimeout);

        Assert.True(finding.Verdict == Expected(id), Describe(finding));
    }

    [Theory]
    [InlineData("mysql.dialog-password-plain", "dialog")]
    [InlineData("mysql.clear-password-plain", "mysql_clear_password")]
    [InlineData("mysql.dialog-unprompted-plain", "dialog")]
    public async Task MySqlClientConnector_WithDialogAndClearPasswordRegistered_RefusesOverPlainTcp(string id, string plugin)
    {
        // With the plugins registered the client knows them; the cleartext gate is what refuses.
        var finding = await OurAuditClients.RunMySqlAsync(AuditScenarios.Get(id), Options, ClientTimeout, b => b.AddDialog().AddClearPassword());

        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
        Assert.StartsWith($"refused: HandshakeException: Plugin '{plugin}' wants to send", finding.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MySqlClientConnector_DialogPromptLoopWithDialogRegistered_AnswersThePasswordOnceThenRefuses()
    {
        var finding = await OurAuditClients.RunMySqlAsync(AuditScenarios.Get("mysql.dialog-prompt-loop"), Options, ClientTimeout, b => PinnedTls(b.AddDialog()));

        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
        Assert.True(finding.Explanation.StartsWith("answered 1 dialog questions; refused: HandshakeException: The server's dialog question 2", StringComparison.Ordinal), Describe(finding));
    }

    [Fact]
    public async Task MySqlClientConnector_DialogPromptLoopWithAPromptThatAlwaysAnswers_StopsAtTheRoundLimit()
    {
        // An application prompt that answers every question: the engine's round limit (32) ends the loop, before the server's 64.
        var finding = await OurAuditClients.RunMySqlAsync(
            AuditScenarios.Get("mysql.dialog-prompt-loop"),
            Options,
            ClientTimeout,
            b => PinnedTls(b.AddDialog(o => o.Prompt = static (_, _) => ValueTask.FromResult<string?>("123456"))));

        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
        Assert.True(finding.Explanation.Contains("rounds (HandshakeOptions.MaxRounds)", StringComparison.Ordinal), Describe(finding));
    }

    [Fact]
    public async Task MySqlClientConnector_OversizedDialogQuestion_RefusesAtTheConnectionPhaseLimitBeforeAnyPrompt()
    {
        var shown = false;
        var finding = await OurAuditClients.RunMySqlAsync(
            AuditScenarios.Get("mysql.dialog-prompt-oversized"),
            Options,
            ClientTimeout,
            b => PinnedTls(b.AddDialog(o =>
            {
                o.UseDefaultAnswers = false;
                o.Prompt = (_, _) =>
                {
                    shown = true;
                    return ValueTask.FromResult<string?>(Options.Password);
                };
            })));

        // MySqlClientOptions.MaxMessageLength (64 KiB in the connection phase) refuses the packet from its header.
        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
        Assert.True(finding.Explanation.Contains("exceeds the limit of 65536 bytes", StringComparison.Ordinal), Describe(finding));
        Assert.False(shown);
    }

    [Fact]
    public async Task PostgreSqlStartup_OAuthBearerOfferedOverPlainTcp_RefusesAtTheCleartextGateWithoutSendingTheToken()
    {
        // The engine's gate (the plugin declares AuthSecretUse.Cleartext) refuses before the token provider is asked.
        var finding = await OurAuditClients.RunPostgreSqlAsync(AuditScenarios.Get("pg.oauthbearer-plain"), Options, ClientTimeout, b => b.AddOAuthBearer());

        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
        Assert.True(finding.Explanation.StartsWith("refused: HandshakeException: Plugin 'OAUTHBEARER' wants to send its factor's secret", StringComparison.Ordinal), Describe(finding));
    }

    [Fact]
    public async Task PostgreSqlStartup_OAuthBearerOverPlainTcpWithCleartextOptIn_FailsBecauseTheTokenWasSent()
    {
        // The application's opt-in lets the token out over plain TCP: the rule sees it and fails the client.
        var finding = await OurAuditClients.RunPostgreSqlAsync(AuditScenarios.Get("pg.oauthbearer-plain"), Options, ClientTimeout, b => PinnedTls(b.AddOAuthBearer()));

        Assert.True(finding.Verdict == AuditVerdict.Fail, Describe(finding));
        Assert.StartsWith("sent its bearer token over an unencrypted connection", finding.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(finding.Observation.Events, e => e.Contains(Options.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostgreSqlStartup_OversizedOAuthBearerError_RefusesAtTheMessageLimit()
    {
        var finding = await OurAuditClients.RunPostgreSqlAsync(AuditScenarios.Get("pg.oauthbearer-error-oversized"), Options, ClientTimeout, b => PinnedTls(b.AddOAuthBearer()));

        // The 1 MiB JSON plus its header exceeds PostgreSqlClientOptions.MaxMessageLength (1 MiB): refused from the header.
        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
        Assert.Contains(finding.Observation.Events, e => e.StartsWith("client: SASLInitialResponse OAUTHBEARER (with a bearer token)", StringComparison.Ordinal));
        Assert.True(finding.Explanation.Contains("with length 1048584", StringComparison.Ordinal), Describe(finding));
    }

    [Fact]
    public async Task PostgreSqlStartup_SilenceAfterTheOAuthBearerDummy_GivesUpAtItsConnectTimeout()
    {
        var finding = await OurAuditClients.RunPostgreSqlAsync(AuditScenarios.Get("pg.oauthbearer-error-then-silence"), Options, ClientTimeout, b => PinnedTls(b.AddOAuthBearer()));

        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
        Assert.Contains(finding.Observation.Events, e => e.StartsWith("client: SASLResponse 0x01", StringComparison.Ordinal));
        Assert.True(finding.Observation.End != AuditConnectionEnd.DeadlineExpired, Describe(finding));
    }

    internal static string Describe(AuditFinding finding) =>
        $"{finding}\n{string.Join('\n', finding.Observation.Events)}";

    /// <summary>The audit's certificate is pinned by a callback, which the cleartext gate does not count as verified: dialog answers need the application's opt-in.</summary>
    private static void PinnedTls(IHandshakeBuilder builder) =>
        builder.Services.Configure<HandshakeOptions>(o => o.AllowCleartextWithoutVerifiedTls = true);
    private static AuditVerdict Expected(string id) => KnownFailures.Contains(id) ? AuditVerdict.Fail : AuditVerdict.Pass;
}
