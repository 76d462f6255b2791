using System.Text;
using Handshake.Cli.Demo;
using Handshake.Testing;

namespace Handshake.Cli.Tests;

public sealed class ScramTranscriptRedactorTests
{
    // RFC 7677 section 3.
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    [Theory]
    [InlineData(TranscriptDirection.ClientToServer, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO", "\"n,,n=user,r=rOprNGfwEbeRWgbNEkqO\"")]
    [InlineData(TranscriptDirection.ClientToServer, "p=tls-server-end-point,,n=user,r=abc", "\"p=tls-server-end-point,,n=user,r=abc\"")]
    [InlineData(TranscriptDirection.ServerToClient, "r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "\"r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096\"")]
    [InlineData(TranscriptDirection.ClientToServer, ClientFinal, "\"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=<redacted>\"")]
    [InlineData(TranscriptDirection.ServerToClient, ServerFinal, "\"v=<redacted>\"")]
    [InlineData(TranscriptDirection.ServerToClient, "e=invalid-proof", "\"e=invalid-proof\"")]
    [InlineData(TranscriptDirection.ClientToServer, "something else", "<14 bytes redacted>")]
    public void Render_ScramMessages_ShowsPublicPartsHidesProofs(TranscriptDirection direction, string message, string expected)
    {
        Assert.Equal(expected, new ScramTranscriptRedactor().Render(direction, "SCRAM-SHA-256", Encoding.ASCII.GetBytes(message)));
    }

    [Fact]
    public void Render_ServerFinalAsPreviousFactorData_IsRedacted()
    {
        // NextFactor carries factor 1's server-final with no plugin name.
        var rendered = new DemoTranscriptRedactor().Render(TranscriptDirection.ServerToClient, null, Encoding.ASCII.GetBytes(ServerFinal));

        Assert.DoesNotContain("6rriTRBi", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ClientPayloadOfOtherPlugin_ShowsOnlyLength()
    {
        var rendered = new DemoTranscriptRedactor().Render(TranscriptDirection.ClientToServer, "totp", "123456"u8);

        Assert.Equal("<6 bytes redacted>", rendered);
    }
}
