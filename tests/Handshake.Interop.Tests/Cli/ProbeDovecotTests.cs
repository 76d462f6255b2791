using System.Globalization;
using Handshake.Cli;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.Cli;

/// <summary><c>handshake probe imap://, imaps://, submission://, submissions://</c> against the real Dovecot 2.3 tests/run.sh started.</summary>
[Collection(DovecotServerGroup.Name)]
public sealed class ProbeDovecotTests(DovecotServer dovecot)
{
    public static TheoryData<string, string> Urls() => new()
    {
        { "imap", "HANDSHAKE_DOVECOT_IMAP_PORT" },
        { "imaps", "HANDSHAKE_DOVECOT_IMAPS_PORT" },
        { "submission", "HANDSHAKE_DOVECOT_SUBMISSION_PORT" },
        { "submissions", "HANDSHAKE_DOVECOT_SUBMISSIONS_PORT" },
    };

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task Probe_DovecotVerifyFull_AuthenticatesWithScramSha256OverVerifiedTls(string scheme, string portVariable)
    {
        dovecot.EnsureAvailable();

        var (exitCode, output, error) = await CliProbeRun.RunAsync(dovecot.Password, Url(scheme, portVariable, dovecot.ScramSha256User), "--sslmode", "verify-full", "--ca-cert", Ca());

        Assert.True(exitCode == ExitCodes.Success, output + error);
        Assert.Contains("mechanisms offered: PLAIN, SCRAM-SHA-1, SCRAM-SHA-256, OAUTHBEARER, XOAUTH2", output, StringComparison.Ordinal);
        Assert.Contains("chosen (factor 1): SCRAM-SHA-256", output, StringComparison.Ordinal);
        Assert.Contains("verified (--ca-cert, host name)", output, StringComparison.Ordinal);
        Assert.Contains("channel binding: not used: the server offered no -PLUS mechanism", output, StringComparison.Ordinal);
        Assert.Contains($"result: authenticated as {dovecot.ScramSha256User}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(dovecot.Password, output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_DovecotChannelBindingRequired_NamesTheOfferWithoutPlus()
    {
        dovecot.EnsureAvailable();

        var (exitCode, output, error) = await CliProbeRun.RunAsync(dovecot.Password, Url("imap", "HANDSHAKE_DOVECOT_IMAP_PORT", dovecot.ScramSha256User), "--sslmode", "verify-full", "--ca-cert", Ca(), "--channel-binding", "require");

        Assert.True(exitCode == ExitCodes.Violation, output + error);
        Assert.Contains("the server offered only PLAIN, SCRAM-SHA-1, SCRAM-SHA-256, OAUTHBEARER, XOAUTH2 over this TLS connection", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Use --sslmode", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("imap", "HANDSHAKE_DOVECOT_IMAP_PORT", "AUTHENTICATIONFAILED")]
    [InlineData("submission", "HANDSHAKE_DOVECOT_SUBMISSION_PORT", "535")]
    public async Task Probe_DovecotWrongPassword_ExitsRejectedDiagnosedAsWrongPassword(string scheme, string portVariable, string code)
    {
        dovecot.EnsureAvailable();

        var (exitCode, output, error) = await CliProbeRun.RunAsync("not-the-dovecot-password", Url(scheme, portVariable, dovecot.ScramSha256User), "--sslmode", "require");

        Assert.True(exitCode == ExitCodes.Rejected, output + error);
        Assert.Contains(code, output, StringComparison.Ordinal);
        Assert.Contains("diagnosis: wrong password", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-dovecot-password", output + error, StringComparison.Ordinal);
    }

    private string Url(string scheme, string portVariable, string user) =>
        string.Create(CultureInfo.InvariantCulture, $"{scheme}://{user}@{dovecot.Host}:{InteropEnvironment.Get(portVariable)}");

    private static string Ca() => InteropEnvironment.Get("HANDSHAKE_SERVER_CA") ?? throw InteropEnvironment.Missing("The servers' CA certificate", "HANDSHAKE_SERVER_CA");
}
