using Handshake.Mfa;

namespace Handshake.Cli.Tests;

public sealed class VerifierCommandTests
{
    /// <summary>
    /// (password, salt, PostgreSQL's rolpassword). The first two are computed from the salts of
    /// ../shared/vectors/scram.md (RFC 7677, the libpq exchange); the rest were stored by a real
    /// PostgreSQL 15 (`CREATE ROLE r LOGIN PASSWORD ...` with password_encryption = scram-sha-256),
    /// covering SASLprep mapping (soft hyphen -> nothing, U+2168 -> "IX" by NFKC) and its raw-bytes
    /// fallback (a control character; a bidi violation).
    /// </summary>
    public static TheoryData<string, string> PostgresVerifiers => new()
    {
        { "pencil", "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=" },
        { "foobar", "SCRAM-SHA-256$4096:fs3IXBy7U7+IvVjZ$tmgbRn9qfDg3ip++wAxsFIk0Zl9PF0NDB5npDjVeECM=:bSU5hgS4vu9S/BceyyM0+b0RxdaRtdH5LRjmCPcHxhg=" },
        { "pencil", "SCRAM-SHA-256$4096:V6wyjP1ZjFhrT4c7BGS3Ag==$eDXWliK5IVhIkZQxd6GiLXiSYSEkwBFEDVoGD3KycfY=:SLyU2DCeYcO/sHYdyiyTkdKZkgs+jNXl56xD5272yXQ=" },
        { "foobar", "SCRAM-SHA-256$4096:I95nKhvBpjyqfBCgwTnD/w==$f4ogF5HIVZ28vLAmYeLK0HJ2yEgsW8zYafHD/LiyNT0=:9vOwvbJkIYzizcMWvLq4axRKVaMoiUQBoAI3SsGJxJQ=" },
        { "p\u00e4ssw\u00f6rd", "SCRAM-SHA-256$4096:S5WP5AXphqH+B2JjBG6lxg==$PrT+ltNFypG+8PrywWDmBcxlwL/+S5dY0O5aGANu+iQ=:cjnkh4YYrlLXyBPR0vL4j1HJ+dASgVfwwnDb/T46G9c=" },
        { "I\u00adX", "SCRAM-SHA-256$4096:4bdyD/o0+YLblrPOcwRCCg==$pp90On6ZIqfG/ZQhB6ANYs3WUSMAbA/TdXwp/MWUHVk=:mVSRKhanT086U1oml8CS+EEWMoXtK4gJV3yMV/Z1SSY=" },
        { "\u2168", "SCRAM-SHA-256$4096:uihUR+BnUANr1/LeQVhf/g==$YV4vz0J0L64+PCumdVKBZn3QX+fdjzsU0/AOccdHoHw=:zS55QDgU4Zj9DBw2bpL+oHQlLc7P1lSsR9+jbYlvfNQ=" },
        { "a\u0007b", "SCRAM-SHA-256$4096:1ALKvgHhBe1rlKcfnB2DqQ==$hqK2nyYrRtuhRHNmUeKIGO2C4lnpuCLw2gVuPwxBm30=:zMbvLxGhacfpev9uaXvVIhcM69oef/fAb5WinTQYjlY=" },
        { "\u0627\u0031", "SCRAM-SHA-256$4096:X3L73MCNjhDpUlVpMYZlUw==$g03aZt7MhVPkV7ROTFpqz2eguhxVlDzailmSi8qh1Lw=:25YoGylfHJ/4WnceSsh36xin2n66nIZo+VpQcakP9gM=" },
    };

    [Theory]
    [MemberData(nameof(PostgresVerifiers))]
    public async Task Scram_PostgresSaltAndIterations_PrintsExactlyWhatPostgresStored(string password, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var salt = expected.Split('$')[1].Split(':')[1];

        var run = await CliRunner.RunAsync(password + "\n", "verifier", "scram", "--salt", salt, "--iterations", "4096");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected + Environment.NewLine, run.Output);
    }

    [Theory]
    [InlineData("pencil\r\n")]
    [InlineData("pencil")]
    [InlineData("pencil\nsecond line ignored\n")]
    public async Task Scram_LineEndings_AreNotPartOfThePassword(string stdin)
    {
        var run = await CliRunner.RunAsync(stdin, "verifier", "scram", "--salt", "W22ZaJ0SNY7soEsUEjb6gQ==", "--iterations", "4096");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=", run.Output.Trim());
    }

    [Fact]
    public async Task Scram_NoSalt_UsesRandom16ByteSaltAndDefaultIterations()
    {
        var first = await CliRunner.RunAsync("pencil\n", "verifier", "scram");
        var second = await CliRunner.RunAsync("pencil\n", "verifier", "scram");

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("SCRAM-SHA-256$4096:", first.Output, StringComparison.Ordinal);
        Assert.Equal(16, Convert.FromBase64String(first.Output.Split('$')[1].Split(':')[1]).Length);
        Assert.NotEqual(first.Output, second.Output);
        Assert.DoesNotContain("pencil", first.Output + first.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--salt", "not base64!")]
    [InlineData("--iterations", "0")]
    [InlineData("--iterations", "many")]
    public async Task Scram_BadOption_ExitsUsageWithOneLineError(string option, string value)
    {
        var run = await CliRunner.RunAsync("pencil\n", "verifier", "scram", option, value);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Native_Secret_PrintsMySqlStoredForm()
    {
        var run = await CliRunner.RunAsync("secret\n", "verifier", "native");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7" + Environment.NewLine, run.Output);
    }

    [Fact]
    public async Task Ed25519_Secret_PrintsMariaDbStoredForm()
    {
        // MariaDB's documentation of PASSWORD(): IDENTIFIED VIA ed25519 USING PASSWORD('secret').
        var run = await CliRunner.RunAsync("secret\n", "verifier", "ed25519");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY" + Environment.NewLine, run.Output);
    }

    [Theory]
    [InlineData("scram")]
    [InlineData("native")]
    [InlineData("ed25519")]
    public async Task Verifier_NoStandardInput_ExitsUsageWithClearError(string kind)
    {
        var run = await CliRunner.RunAsync(null, "verifier", kind);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("no password on standard input", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("scram")]
    [InlineData("native")]
    [InlineData("ed25519")]
    public async Task Verifier_EmptyLine_ExitsUsage(string kind)
    {
        var run = await CliRunner.RunAsync("\n", "verifier", kind);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("password is empty", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verifier_PasswordAsArgument_IsNotAccepted()
    {
        // Secrets never come from the command line (the process list is readable by others).
        var run = await CliRunner.RunAsync("pencil\n", "verifier", "scram", "pencil");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Totp_PrintsBase32SecretAndOtpauthUriForIt()
    {
        var run = await CliRunner.RunAsync(null, "verifier", "totp", "--issuer", "Example", "--account", "alice");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.True(Base32.TryDecode(lines[0], out var secret));
        Assert.Equal(TotpEnrollment.DefaultSecretLength, secret!.Length);
        Assert.Equal(TotpEnrollment.CreateUri("Example", "alice", secret), lines[1]);
        Assert.StartsWith("otpauth://totp/", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totp_TwoRuns_DifferentSecrets()
    {
        var first = await CliRunner.RunAsync(null, "verifier", "totp", "--account", "alice");
        var second = await CliRunner.RunAsync(null, "verifier", "totp", "--account", "alice");

        Assert.NotEqual(first.Output, second.Output);
    }

    [Theory]
    [InlineData("verifier", "totp")]
    [InlineData("verifier", "totp", "--account", "a:b")]
    public async Task Totp_MissingOrBadAccount_ExitsUsage(params string[] args)
    {
        var run = await CliRunner.RunAsync(null, args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("4095")]
    public async Task Scram_IterationsBelowClientMinimum_WarnsOnStandardErrorAndStillPrints(string iterations)
    {
        var run = await CliRunner.RunAsync("pencil\n", "verifier", "scram", "--iterations", iterations);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"SCRAM-SHA-256${iterations}:", run.Output, StringComparison.Ordinal);
        Assert.Contains($"warning: --iterations {iterations} is outside 4096 to 1000000", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("pencil", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scram_IterationsAtClientLimits_NoWarningNoProgress()
    {
        var run = await CliRunner.RunAsync("pencil\n", "verifier", "scram", "--iterations", "4096");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public async Task Scram_IterationsAboveClientMaximum_WarnsAndShowsProgressWhileDeriving()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader("pencil\n");

        // ProgressDelay zero: the derivation of 2,000,000 iterations (about half a second) is "long".
        var environment = new CliEnvironment { Output = output, Error = error, Input = input, ProgressDelay = TimeSpan.Zero };
        var exitCode = await HandshakeCommand.InvokeAsync(["verifier", "scram", "--iterations", "2000000"], environment);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("SCRAM-SHA-256$2000000:", output.ToString(), StringComparison.Ordinal);
        var lines = error.ToString();
        Assert.Contains("warning: --iterations 2000000 is outside 4096 to 1000000", lines, StringComparison.Ordinal);
        Assert.Matches(@"deriving the SCRAM keys \(2000000 PBKDF2 iterations\): expected about \d+\.\d s\.\.\.", lines);
        Assert.Matches(@"deriving the SCRAM keys \(2000000 PBKDF2 iterations\): done in \d+\.\d s", lines);
    }
}
