using System.Globalization;
using Handshake.Cli;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.Cli;

/// <summary><c>handshake probe</c> against the real PostgreSQL 15 tests/run.sh started (scram-sha-256, ssl = on).</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class ProbePostgreSqlTests(PostgresServer server)
{
    private const string Role = "handshake_cli_probe";
    private const string Password = "probe-pg-Passw0rd";

    [Fact]
    public async Task Probe_RightPasswordVerifyFullChannelBindingRequired_AuthenticatesWithScramPlus()
    {
        await CreateRoleAsync();

        var (exitCode, output, error) = await CliProbeRun.RunAsync(Password, Url(), "--sslmode", "verify-full", "--ca-cert", CaCertificate(), "--channel-binding", "require");

        Assert.True(exitCode == ExitCodes.Success, output + error);
        Assert.Contains("mechanisms offered: SCRAM-SHA-256-PLUS, SCRAM-SHA-256", output, StringComparison.Ordinal);
        Assert.Contains("chosen (factor 1): SCRAM-SHA-256-PLUS", output, StringComparison.Ordinal);
        Assert.Contains("verified (--ca-cert, host name)", output, StringComparison.Ordinal);
        Assert.Contains("channel binding: used", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_WrongPassword_ExitsRejectedWith28P01AndDiagnosis()
    {
        await CreateRoleAsync();

        var (exitCode, output, error) = await CliProbeRun.RunAsync("not-the-password", Url(), "--sslmode", "require");

        Assert.True(exitCode == ExitCodes.Rejected, output + error);
        Assert.Contains("(28P01)", output, StringComparison.Ordinal);
        Assert.Contains("diagnosis: wrong password", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", output + error, StringComparison.Ordinal);
    }

    private string Url() => string.Create(CultureInfo.InvariantCulture, $"postgres://{Role}@{server.Host}:{server.Port}/postgres");

    private string CaCertificate() => server.CaCertificatePath ?? throw InteropEnvironment.Missing("The servers' CA certificate", "HANDSHAKE_SERVER_CA");

    private Task<string> CreateRoleAsync() => server.ExecuteAsync($"""
        SET password_encryption = 'scram-sha-256';
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{Role}') THEN CREATE ROLE {Role} LOGIN; END IF;
        END $$;
        ALTER ROLE {Role} PASSWORD '{Password}';
        """);
}
