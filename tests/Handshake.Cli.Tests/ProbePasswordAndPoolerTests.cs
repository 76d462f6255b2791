using Handshake.Plugins.Scram;

namespace Handshake.Cli.Tests;

/// <summary>
/// probe against a PgBouncer-like server (SCRAM without -PLUS behind its own TLS, 08P01 for a wrong proof)
/// and with the password piped on standard input or missing altogether.
/// </summary>
public sealed class ProbePasswordAndPoolerTests : IDisposable
{
    private const string Password = "pipe-me-Passw0rd";

    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-probe-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Probe_PoolerOffersNoPlusOverVerifiedTlsWithChannelBindingRequired_NamesOfferAndDemandNotSslmode()
    {
        var (cert, key) = TestCertificates.Write(_directory);
        using var certificate = TestCertificates.Load(cert, key);
        await using var pooler = new FakePgBouncer(certificate);

        var run = await CliHost.RunAsync(Variables(), "probe", $"postgres://alice@127.0.0.1:{pooler.Port}/db", "--timeout", "20", "--sslmode", "verify-full", "--ca-cert", cert, "--channel-binding", "require");

        Assert.True(run.ExitCode == ExitCodes.Violation, run.ToString());
        Assert.Contains("mechanisms offered: SCRAM-SHA-256", run.Output, StringComparison.Ordinal);
        Assert.Contains("with --sslmode verify-full it demands a channel-bound mechanism (SCRAM-SHA-256-PLUS), and the server offered only SCRAM-SHA-256 over this TLS connection", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Use --sslmode require or verify-full", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_PoolerRejectsProofWith08P01SaslAuthenticationFailed_DiagnosedAsWrongPassword()
    {
        await using var pooler = new FakePgBouncer(certificate: null);

        var run = await CliHost.RunAsync(Variables(), "probe", $"postgres://alice@127.0.0.1:{pooler.Port}/db", "--timeout", "20", "--sslmode", "disable");

        Assert.True(run.ExitCode == ExitCodes.Rejected, run.ToString());
        Assert.True(pooler.ReceivedProof);
        Assert.Contains("08P01", run.Output, StringComparison.Ordinal);
        Assert.Contains("diagnosis: wrong password", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Probe_PasswordPipedOnStdin_IsReadAndAuthenticates(bool flag)
    {
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson());
        string[] args = ["probe", $"postgres://alice@127.0.0.1:{server.Port}/db", "--timeout", "20", "--sslmode", "disable", .. flag ? new[] { "--password-stdin" } : []];

        var run = await CliHost.RunWithStdinAsync(new Dictionary<string, string>(), Password + "\n", args);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("result: authenticated as alice", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Output + run.Error + server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_NoPasswordAnywhere_ExitsUsageSayingNothingWasSent()
    {
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson());

        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "probe", $"postgres://alice@127.0.0.1:{server.Port}/db", "--timeout", "20", "--sslmode", "disable");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("nothing was sent", run.Output, StringComparison.Ordinal);
        Assert.Contains("--password-stdin", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("result: rejected", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_PasswordStdinFlagWithEmptyInput_IsUsageError()
    {
        var run = await CliHost.RunWithStdinAsync(new Dictionary<string, string>(), string.Empty, "probe", "postgres://alice@127.0.0.1:1/db", "--password-stdin");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("no password on standard input", run.Error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Variables() => new() { ["HANDSHAKE_PASSWORD"] = Password };

    private string UsersJson()
    {
        var path = Path.Combine(_directory, "users.json");
        var scram = ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).Format();
        File.WriteAllText(path, $$"""{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"}]}]}""");
        return path;
    }
}
