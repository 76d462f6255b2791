using System.Security.Cryptography;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;

namespace Handshake.Cli.Tests;

/// <summary>
/// serve and probe against each other, in-process on loopback: serve runs on a background task with
/// --port 0, probe reads HANDSHAKE_PASSWORD from the injected environment. Every run is bounded (CliHost.RunLimit).
/// </summary>
public sealed class ServeProbeEndToEndTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private const string WrongPassword = "Tr0ub4dor&3";
    private const string TotpSecret = "JBSWY3DPEHPK3PXP";

    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-serve-").FullName;
    private string _carolKey = string.Empty;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ServePostgres_ProbeRightPassword_AuthenticatesWithScramAndRedacts()
    {
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson());

        var run = await Probe($"postgres://alice@127.0.0.1:{server.Port}/db", Password, "--sslmode", "disable");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("mechanisms offered: SCRAM-SHA-256", run.Output, StringComparison.Ordinal);
        Assert.Contains("chosen (factor 1): SCRAM-SHA-256 (", run.Output, StringComparison.Ordinal);
        Assert.Contains("C -> S  Response [SCRAM-SHA-256]  \"n,,n=alice,r=", run.Output, StringComparison.Ordinal);
        Assert.Contains("p=<redacted>", run.Output, StringComparison.Ordinal);
        Assert.Contains("result: authenticated as alice", run.Output, StringComparison.Ordinal);
        AssertNoSecret(run.Output + run.Error + server.Output + server.Error);
        Assert.Equal(ExitCodes.Success, await server.StopAsync());
        Assert.Contains("user alice: accepted, factors 1: SCRAM-SHA-256", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServePostgres_ProbeWrongPassword_ExitsRejectedWithDiagnosis()
    {
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson());

        var run = await Probe($"postgres://alice@127.0.0.1:{server.Port}/db", WrongPassword, "--sslmode", "disable");

        Assert.True(run.ExitCode == ExitCodes.Rejected, run.ToString());
        Assert.Contains("server said: The server rejected authentication (28P01)", run.Output, StringComparison.Ordinal);
        Assert.Contains("diagnosis: wrong password", run.Output, StringComparison.Ordinal);
        AssertNoSecret(run.Output + run.Error + server.Output);
        _ = await server.StopAsync();
        Assert.Contains("user alice: rejected, InvalidCredential", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeMySql_ProbeRightPassword_AuthenticatesWithNativePassword()
    {
        await using var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", UsersJson());

        var run = await Probe($"mysql://bob@127.0.0.1:{server.Port}", Password);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        // sslmode prefer is the adapter's own (ClientTlsMode.Prefer): a server without TLS is used on the same connection.
        Assert.DoesNotContain("connecting again", run.Output, StringComparison.Ordinal);
        Assert.Contains("chosen (factor 1): mysql_native_password", run.Output, StringComparison.Ordinal);
        Assert.Contains("C -> S  Response [mysql_native_password]  <20 bytes redacted>", run.Output, StringComparison.Ordinal);
        Assert.Contains("result: authenticated as bob (factors 1: mysql_native_password", run.Output, StringComparison.Ordinal);
        AssertNoSecret(run.Output + run.Error + server.Output + server.Error);
    }

    [Fact]
    public async Task ServeMySql_ProbeWrongPassword_ExitsRejectedWithServerErrorAndDiagnosis()
    {
        await using var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", UsersJson());

        var run = await Probe($"mysql://bob@127.0.0.1:{server.Port}", WrongPassword, "--sslmode", "disable");

        Assert.True(run.ExitCode == ExitCodes.Rejected, run.ToString());
        Assert.Contains("(1045): #28000 Access denied for user 'bob'", run.Output, StringComparison.Ordinal);
        Assert.Contains("diagnosis: wrong password", run.Output, StringComparison.Ordinal);
        AssertNoSecret(run.Output + run.Error + server.Output);
    }

    [Fact]
    public async Task ServePostgresTls_ProbeVerifyFullWithCaCert_UsesChannelBinding()
    {
        var (cert, key) = WriteCertificate();
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key);

        var run = await Probe($"postgres://alice@127.0.0.1:{server.Port}/db", Password, "--sslmode", "verify-full", "--ca-cert", cert, "--channel-binding", "require");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("mechanisms offered: SCRAM-SHA-256-PLUS, SCRAM-SHA-256", run.Output, StringComparison.Ordinal);
        Assert.Contains("chosen (factor 1): SCRAM-SHA-256-PLUS", run.Output, StringComparison.Ordinal);
        Assert.Contains("tls: on, Tls1", run.Output, StringComparison.Ordinal);
        Assert.Contains("server certificate CN=localhost, verified (--ca-cert, host name)", run.Output, StringComparison.Ordinal);
        Assert.Contains("channel binding: used", run.Output, StringComparison.Ordinal);
        AssertNoSecret(run.Output + run.Error + server.Output);

        // serve logs the mechanism that ran and that it bound the channel, not the verifier's family name.
        Assert.Equal(ExitCodes.Success, await server.StopAsync());
        Assert.Contains("user alice over TLS: accepted, factors 1: SCRAM-SHA-256-PLUS (channel-bound)", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServePostgresTls_ProbeVerifyFullWithoutCaCert_ExitsViolationWithDiagnosis()
    {
        var (cert, key) = WriteCertificate();
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key);

        var run = await Probe($"postgres://alice@127.0.0.1:{server.Port}/db", Password, "--sslmode", "verify-full");

        Assert.True(run.ExitCode == ExitCodes.Violation, run.ToString());
        Assert.Contains("diagnosis: the server's certificate is not trusted for '127.0.0.1'", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServePostgresPlain_ProbeRequireTls_ExitsViolationWithDiagnosis()
    {
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson());

        var run = await Probe($"postgres://alice@127.0.0.1:{server.Port}/db", Password, "--sslmode", "require");

        Assert.True(run.ExitCode == ExitCodes.Violation, run.ToString());
        Assert.Contains("diagnosis: TLS is required (--sslmode require) but the server does not offer it", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServePostgresTls_ProbeChannelBindingRequireWithPlainPlugin_ExitsViolationWithDiagnosis()
    {
        var (cert, key) = WriteCertificate();
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key);

        var run = await Probe($"postgres://alice@127.0.0.1:{server.Port}/db", Password, "--sslmode", "require", "--channel-binding", "require", "--plugin", "SCRAM-SHA-256");

        Assert.True(run.ExitCode == ExitCodes.Violation, run.ToString());
        Assert.Contains("diagnosis: channel binding is required (--channel-binding require) but not available", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeMySqlTls_ProbeKeyUserWithoutKey_ExitsViolationNamingUnknownPlugin()
    {
        var (cert, key) = WriteCertificate();
        await using var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key);

        var run = await Probe($"mysql://carol@127.0.0.1:{server.Port}", Password, "--sslmode", "verify-full", "--ca-cert", cert);

        Assert.True(run.ExitCode == ExitCodes.Violation, run.ToString());
        Assert.Contains("result: refused by the client (protocol or security rule): UnknownPlugin in ssh-key-auth", run.Output, StringComparison.Ordinal);
        Assert.Contains("diagnosis: the server asked for plugin 'ssh-key-auth', which this client does not have", run.Output, StringComparison.Ordinal);
        Assert.Contains("builder.AddPlugin(\"ssh-key-auth\"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeMySqlTls_ProbeKeyUserWithKey_AuthenticatesAfterSwitch()
    {
        var (cert, key) = WriteCertificate();
        await using var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key);

        var run = await Probe($"mysql://carol@127.0.0.1:{server.Port}", Password, "--sslmode", "verify-full", "--ca-cert", cert, "--key", _carolKey);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("chosen (factor 1): ssh-key-auth (the server switched to it (AuthSwitchRequest))", run.Output, StringComparison.Ordinal);
        Assert.Contains("result: authenticated as carol (factors 1: ssh-key-auth", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeMySqlTls_ProbePasswordThenTotp_AuthenticatesWithTwoFactors()
    {
        var (cert, key) = WriteCertificate();
        await using var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key);
        var variables = new Dictionary<string, string> { ["HANDSHAKE_PASSWORD"] = Password, ["HANDSHAKE_PASSWORD2"] = TotpSecret };

        var run = await CliHost.RunAsync(variables, "probe", $"mysql://dave@127.0.0.1:{server.Port}", "--timeout", "20", "--sslmode", "verify-full", "--ca-cert", cert);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("tls: on, Tls1", run.Output, StringComparison.Ordinal);
        Assert.Contains("chosen (factor 2): totp (the server asked for it as the next factor)", run.Output, StringComparison.Ordinal);
        Assert.Contains("result: authenticated as dave (factors 1: mysql_native_password, 2: totp; assurance level 2", run.Output, StringComparison.Ordinal);
        AssertNoSecret(run.Output + run.Error + server.Output);
        Assert.DoesNotContain(TotpSecret, run.Output + run.Error + server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServeMySql_ProbeTotpWithoutVerifiedTls_ExitsViolationSuggestingVerifyFull()
    {
        await using var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", UsersJson());
        var variables = new Dictionary<string, string> { ["HANDSHAKE_PASSWORD"] = Password, ["HANDSHAKE_PASSWORD2"] = TotpSecret };

        var run = await CliHost.RunAsync(variables, "probe", $"mysql://dave@127.0.0.1:{server.Port}", "--timeout", "20", "--sslmode", "disable");

        Assert.True(run.ExitCode == ExitCodes.Violation, run.ToString());
        Assert.Contains("diagnosis: this client refuses to send that secret over a connection without verified TLS (sslmode disable): use --sslmode verify-full", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_StopRequested_EndsCleanlyWithStoppedLine()
    {
        var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", UsersJson());
        await using (server)
        {
            Assert.Equal(ExitCodes.Success, await server.StopAsync());
            Assert.EndsWith("stopped" + Environment.NewLine, server.Output, StringComparison.Ordinal);
        }
    }

    private static Task<CliRun> Probe(string url, string password, params string[] options) =>
        CliHost.RunAsync(new Dictionary<string, string> { ["HANDSHAKE_PASSWORD"] = password }, ["probe", url, "--timeout", "20", .. options]);

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, text, StringComparison.Ordinal);
    }

    private string UsersJson()
    {
        var path = Path.Combine(_directory, "users.json");
        var scram = ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).Format();
        var native = NativePasswordCredential.FromPassword(Password).Format();
        using var carol = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _carolKey = Path.Combine(_directory, "carol.pem");
        File.WriteAllText(_carolKey, carol.ExportPkcs8PrivateKeyPem());
        var carolPublic = System.Text.Json.JsonSerializer.Serialize(carol.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(path, $$"""
            {"users":[
              {"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"}]},
              {"name":"bob","factors":[{"plugin":"mysql_native_password","stored":"{{native}}"}]},
              {"name":"carol","factors":[{"plugin":"ssh-key-auth","publicKey":{{carolPublic}}}]},
              {"name":"dave","factors":[{"plugin":"mysql_native_password","stored":"{{native}}"},{"plugin":"totp","secret":"{{TotpSecret}}"}]}
            ]}
            """);
        return path;
    }

    private (string Certificate, string Key) WriteCertificate() => TestCertificates.Write(_directory);
}
