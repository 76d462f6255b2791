namespace Handshake.Audit.Tests;

/// <summary>Our own PostgreSQL and MySQL clients pass every scenario.</summary>
public sealed class OurClientAuditTests
{
    private static readonly AuditServerOptions Options = new() { Deadline = TimeSpan.FromSeconds(4), Certificate = OurAuditClients.Certificate };
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(2);

    public static TheoryData<string> PostgreSqlIds() => [.. AuditScenarios.PostgreSql.Select(s => s.Id)];

    public static TheoryData<string> MySqlIds() => [.. AuditScenarios.MySql.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(PostgreSqlIds))]
    public async Task PostgreSqlStartup_EveryScenario_Passes(string id)
    {
        var finding = await OurAuditClients.RunPostgreSqlAsync(AuditScenarios.Get(id), Options, ClientTimeout);

        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
    }

    [Theory]
    [MemberData(nameof(MySqlIds))]
    public async Task MySqlClientConnector_EveryScenario_Passes(string id)
    {
        var finding = await OurAuditClients.RunMySqlAsync(AuditScenarios.Get(id), Options, ClientTimeout);

        Assert.True(finding.Verdict == AuditVerdict.Pass, Describe(finding));
    }

    internal static string Describe(AuditFinding finding) =>
        $"{finding}\n{string.Join('\n', finding.Observation.Events)}";
}
