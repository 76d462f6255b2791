using System.Globalization;
using Handshake.Cli;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.Cli;

/// <summary><c>handshake probe</c> against the real MariaDB 10.11 tests/run.sh started (TLS on).</summary>
[Collection(MariaDbServerGroup.Name)]
public sealed class ProbeMariaDbTests(MariaDbServer server)
{
    private const string User = "handshake_cli_probe";
    private const string Password = "probe-maria-Passw0rd";

    [Fact]
    public async Task Probe_RightPasswordVerifyFull_AuthenticatesWithNativePassword()
    {
        await CreateUserAsync();

        var (exitCode, output, error) = await CliProbeRun.RunAsync(Password, Url(), "--sslmode", "verify-full", "--ca-cert", CaCertificate());

        Assert.True(exitCode == ExitCodes.Success, output + error);
        Assert.Contains("mysql_native_password", output, StringComparison.Ordinal);
        Assert.Contains("verified (--ca-cert, host name)", output, StringComparison.Ordinal);
        Assert.Contains($"result: authenticated as {User}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_WrongPassword_ExitsRejectedWith1045AndDiagnosis()
    {
        await CreateUserAsync();

        var (exitCode, output, error) = await CliProbeRun.RunAsync("not-the-password", Url(), "--sslmode", "require");

        Assert.True(exitCode == ExitCodes.Rejected, output + error);
        Assert.Contains("(1045)", output, StringComparison.Ordinal);
        Assert.Contains("diagnosis: wrong password", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", output + error, StringComparison.Ordinal);
    }

    private string Url() => string.Create(CultureInfo.InvariantCulture, $"mysql://{User}@{server.Host}:{server.Port}");

    private string CaCertificate() => server.CaCertificatePath ?? throw InteropEnvironment.Missing("The servers' CA certificate", "HANDSHAKE_SERVER_CA");

    private Task<string> CreateUserAsync() => server.ExecuteAsync($"""
        CREATE USER IF NOT EXISTS '{User}'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('{Password}');
        ALTER USER '{User}'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('{Password}');
        """);
}
