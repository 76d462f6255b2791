using Handshake.Plugins.Scram;

namespace Handshake.Cli.Tests;

/// <summary>serve and probe over IMAP and SMTP (the SASL adapters), in-process on loopback, chosen by URL scheme and serve's protocol name.</summary>
public sealed class ServeProbeSaslTests : IDisposable
{
    private const string Password = "sasl-Passw0rd-mail";
    private const string WrongPassword = "not-the-mail-password";

    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-sasl-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ServeImap_ProbeImapUrl_AuthenticatesWithScram()
    {
        await using var server = await CliHost.StartServeAsync("imap", "--port", "0", "--users", UsersJson());

        var run = await Probe($"imap://alice@127.0.0.1:{server.Port}", Password, "--sslmode", "disable");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("probe imap://alice@127.0.0.1:", run.Output, StringComparison.Ordinal);
        Assert.Contains("mechanisms offered: SCRAM-SHA-256", run.Output, StringComparison.Ordinal);
        Assert.Contains("result: authenticated as alice", run.Output, StringComparison.Ordinal);
        var log = await server.WaitForOutputAsync("user alice: accepted");
        Assert.Contains("(imap, 1 user(s)", log, StringComparison.Ordinal);
        Assert.Contains("user alice: accepted, factors 1: SCRAM-SHA-256 (assurance level 1)", log, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, await server.StopAsync());
        AssertNoSecret(run.Output + run.Error + server.Output + server.Error);
    }

    [Theory]
    [InlineData("imaps")]
    [InlineData("submissions")]
    public async Task ServeImplicitTls_ProbeVerifyFullChannelBindingRequired_UsesScramPlus(string protocol)
    {
        var (cert, key) = TestCertificates.Write(_directory);
        await using var server = await CliHost.StartServeAsync(protocol, "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key);

        var run = await Probe($"{protocol}://alice@127.0.0.1:{server.Port}", Password, "--sslmode", "verify-full", "--ca-cert", cert, "--channel-binding", "require");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("chosen (factor 1): SCRAM-SHA-256-PLUS", run.Output, StringComparison.Ordinal);
        Assert.Contains("verified (--ca-cert, host name)", run.Output, StringComparison.Ordinal);
        Assert.Contains("channel binding: used", run.Output, StringComparison.Ordinal);
        Assert.Contains("user alice over TLS: accepted, factors 1: SCRAM-SHA-256-PLUS (channel-bound)", await server.WaitForOutputAsync("user alice over TLS: accepted"), StringComparison.Ordinal);
        AssertNoSecret(run.Output + run.Error + server.Output + server.Error);
    }

    [Theory]
    [InlineData("imap", "AUTHENTICATIONFAILED")]
    [InlineData("submission", "535 5.7.8")]
    public async Task ServeStartTls_ProbeWrongPassword_ExitsRejectedDiagnosedAsWrongPassword(string protocol, string code)
    {
        var (cert, key) = TestCertificates.Write(_directory);
        await using var server = await CliHost.StartServeAsync(protocol, "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key);

        var run = await Probe($"{protocol}://alice@127.0.0.1:{server.Port}", WrongPassword, "--sslmode", "require");

        Assert.True(run.ExitCode == ExitCodes.Rejected, run.ToString());
        Assert.Contains(code, run.Output, StringComparison.Ordinal);
        Assert.Contains("diagnosis: wrong password", run.Output, StringComparison.Ordinal);
        Assert.Contains("tls: on", run.Output, StringComparison.Ordinal);
        AssertNoSecret(run.Output + run.Error + server.Output + server.Error);
    }

    [Fact]
    public async Task ServeImaps_WithoutCertificate_IsUsageError()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "serve", "imaps", "--port", "0", "--users", UsersJson());

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("serve imaps starts every connection with TLS", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ImapsWithSslmodeDisable_IsUsageError()
    {
        var run = await Probe("imaps://alice@127.0.0.1:1", Password, "--sslmode", "disable");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("imaps:// starts with TLS", run.Error, StringComparison.Ordinal);
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
        File.WriteAllText(path, $$"""{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"}]}]}""");
        return path;
    }
}
