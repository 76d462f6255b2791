using Handshake.Plugins.MariaDbPam;

namespace Handshake.Audit.Tests;

/// <summary>
/// Our own PostgreSQL and MySQL clients against every scenario. Each passes, except the findings listed in
/// <see cref="KnownFailures"/>: they are asserted to fail (so a fix flips the test and the list shrinks).
/// </summary>
public sealed class OurClientAuditTests
{
    /// <summary>Scenarios our clients are known to fail (none: a fix that regresses one fails its test).</summary>
    public static readonly IReadOnlySet<string> KnownFailures = new HashSet<string>(StringComparer.Ordinal);

    private static readonly AuditServerOptions Options = new() { Deadline = TimeSpan.FromSeconds(4), Certificate = OurAuditClients.Certificate };
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(2);

    public static TheoryData<string> PostgreSqlIds() => [.. AuditScenarios.PostgreSql.Select(s => s.Id)];

    public static TheoryData<string> MySqlIds() => [.. AuditScenarios.MySql.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(PostgreSqlIds))]
    public async Task PostgreSqlStartup_EveryScenario_Passes(string id)
    {
        var finding = await OurAuditClients.RunPostgreSqlAsync(AuditScenarios.Get(id), Options, ClientTimeout);

        Assert.True(finding.Verdict == Expected(id), Describe(finding));
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
    public async Task MySqlClientConnector_WithDialogAndClearPasswordRegistered_RefusesOverPlainTcp(string id, string plugin)
    {
        // With the plugins registered the client knows them; the cleartext gate is what refuses.
        var finding = await OurAuditClients.RunMySqlAsync(AuditScenarios.Get(id), Options, ClientTimeout, b => b.AddDialog().AddClearPassword());

        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
        Assert.StartsWith($"refused: HandshakeException: Plugin '{plugin}' wants to send", finding.Explanation, StringComparison.Ordinal);
    }

    internal static string Describe(AuditFinding finding) =>
        $"{finding}\n{string.Join('\n', finding.Observation.Events)}";

    private static AuditVerdict Expected(string id) => KnownFailures.Contains(id) ? AuditVerdict.Fail : AuditVerdict.Pass;
}
