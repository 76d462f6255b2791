namespace Handshake.Cli.Tests;

public sealed class ExitCodesTests
{
    [Theory]
    [InlineData(AuthErrorCode.ServerRejected, ExitCodes.Rejected)]
    [InlineData(AuthErrorCode.InvalidCredential, ExitCodes.Rejected)]
    [InlineData(AuthErrorCode.LockedOut, ExitCodes.Rejected)]
    [InlineData(AuthErrorCode.ServerSignatureMissing, ExitCodes.Violation)]
    [InlineData(AuthErrorCode.ServerSignatureMismatch, ExitCodes.Violation)]
    [InlineData(AuthErrorCode.ChannelBindingFailure, ExitCodes.Violation)]
    [InlineData(AuthErrorCode.PolicyViolation, ExitCodes.Violation)]
    [InlineData(AuthErrorCode.ProtocolViolation, ExitCodes.Violation)]
    [InlineData(AuthErrorCode.TransportFailure, ExitCodes.CannotConnect)]
    [InlineData(AuthErrorCode.MissingCredential, ExitCodes.Usage)]
    public void For_ErrorCode_MapsToDocumentedExitCode(AuthErrorCode code, int expected) => Assert.Equal(expected, ExitCodes.For(code));

    [Fact]
    public async Task Report_HandshakeException_OneLineUnlessVerbose()
    {
        using var error = new StringWriter();
        var context = new CliContext(new CliEnvironment { Output = TextWriter.Null, Error = error }, new System.CommandLine.Option<bool>("--verbose"));
        var exception = new HandshakeException(AuthErrorCode.ServerSignatureMissing, "SASL: server signature is missing\nsecond line", "SCRAM-SHA-256", 1);

        var code = await context.ReportAsync(exception, verbose: false);

        Assert.Equal(ExitCodes.Violation, code);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("server signature is missing", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_Verbose_AddsDetails()
    {
        using var error = new StringWriter();
        var context = new CliContext(new CliEnvironment { Output = TextWriter.Null, Error = error }, new System.CommandLine.Option<bool>("--verbose"));

        var code = await context.ReportAsync(new InvalidOperationException("boom"), verbose: true);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.True(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 1);
    }
}
