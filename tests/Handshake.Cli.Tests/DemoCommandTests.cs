using Handshake.Cli.Demo;

namespace Handshake.Cli.Tests;

public sealed class DemoCommandTests
{
    public static TheoryData<string, string[]> Pages => new()
    {
        { "hmac", ["hmac-challenge", "assurance level 1"] },
        { "scram", ["Offer  SCRAM-SHA-256", "\"n,,n=alice,r=", ",s=", ",i=4096\"", ",p=<redacted>\"", "\"v=<redacted>\"", "assurance level 1", "factor 1: SCRAM-SHA-256 (2 rounds)"] },
        { "scram-plus", ["SCRAM-SHA-256-PLUS, SCRAM-SHA-256", "\"p=tls-server-end-point,,n=alice,r=", "factor 1: SCRAM-SHA-256-PLUS", "Server logs the real reason: ChannelBindingFailure", "assurance level 1"] },
        { "native", ["mysql_native_password", "assurance level 1"] },
        { "caching-sha2", ["0x04 (perform full authentication)", "0x03 (fast auth success)", "factor 1: caching_sha2_password (2 rounds)", "factor 1: caching_sha2_password (1 round)", "assurance level 1"] },
        { "ed25519", ["Begin [client_ed25519]", "<64 bytes redacted>", "factor 1: client_ed25519 (1 round)", "assurance level 1"] },
        { "pam", ["Begin [dialog]  0x04 (question, no echo) \"Password: \"", "Continue  0x05 (question, no echo, last) \"Enter the 6-digit code for alice: \"", "<7 bytes redacted>", "factor 1: dialog (2 rounds)", "Server logs the real reason: InvalidCredential"] },
        { "key", ["ssh-key-auth", "SHA256:", "assurance level 1"] },
        { "oauthbearer", ["Offer  OAUTHBEARER", "\"status\":\"invalid_token\"", "\"scope\":\"mail\"", "factor 1: OAUTHBEARER (1 round)", "OAUTHBEARER", "assurance level 1"] },
        { "mfa", ["SCRAM-SHA-256-PLUS", "NextFactor [totp]", "(previous factor's final data: \"v=<redacted>\")", "assurance level 2", "factor 2: totp (1 round)"] },
        {
            "resume",
            [
                "Offer  SCRAM-SHA-256-PLUS, SCRAM-SHA-256, resume", "server: issued a resume token", "client: TOTP prompt shown 1 time(s); SCRAM ran",
                "[resume]  <32 bytes redacted>", "Succeeded  <32 bytes redacted>", "client: TOTP prompt shown 0 time(s); no SCRAM, so no PBKDF2",
                "server: resume Accepted", "assurance level 2 [SCRAM-SHA-256, totp]", "server: resume ReusedFamilyRevoked", "server: resume Revoked",
                "Switch [SCRAM-SHA-256-PLUS]", "factor 1: SCRAM-SHA-256-PLUS (3 rounds, via resume -> SCRAM-SHA-256-PLUS)",
            ]
        },
    };

    [Fact]
    public async Task Demo_ResumePage_NeverShowsATokenInHex()
    {
        var run = await CliRunner.RunAsync(null, "demo", "--plugin", "resume");

        Assert.True(run.ExitCode == 0, run.ToString());

        // A token is 32 bytes: 64 hex digits. Family ids (16 bytes, 32 digits) are meant to be shown.
        Assert.DoesNotMatch("[0-9a-f]{40,}", run.Output);
    }

    [Fact]
    public async Task Demo_OAuthBearerPage_NeverShowsAToken()
    {
        var run = await CliRunner.RunAsync(null, "demo", "--plugin", "oauthbearer");

        Assert.True(run.ExitCode == 0, run.ToString());

        // Every JWT starts with the base64url of '{"': a token, or a part of one, in the output would show it.
        Assert.DoesNotContain("eyJ", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Demo_EveryPage_ExitsZeroShowsStepsAndNeverTheSecrets(string page, string[] expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var run = await CliRunner.RunAsync(null, "demo", "--plugin", page);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Error);
        foreach (var text in expected)
        {
            Assert.Contains(text, run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("refused (as expected)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Every login ended as expected.", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoScenarios.Password, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoScenarios.WrongPassword, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("otpauth://", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_NoOption_RunsScramThenTotp()
    {
        var run = await CliRunner.RunAsync(null, "demo");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"({DemoScenarios.DefaultKey}) ==", run.Output, StringComparison.Ordinal);
        Assert.Contains("assurance level 2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_UnknownPage_ExitsUsageWithOneLineError()
    {
        var run = await CliRunner.RunAsync(null, "demo", "--plugin", "kerberos");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal($"error: unknown demo page 'kerberos'; pages: {string.Join(", ", DemoScenarios.All.Select(p => p.Key))}", run.Error.Trim());
    }

    [Fact]
    public async Task UnknownCommand_ExitsUsage()
    {
        var run = await CliRunner.RunAsync(null, "frobnicate");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DemoPages_KeysAreUniqueAndDefaultExists()
    {
        Assert.Equal(DemoScenarios.All.Count, DemoScenarios.All.Select(p => p.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.NotNull(DemoScenarios.Find("MFA"));
    }
}
