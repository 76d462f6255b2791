using System.Text;
using Handshake.Testing;

namespace Handshake.Tests;

public sealed class DefaultTranscriptRedactorTests
{
    private readonly DefaultTranscriptRedactor _redactor = new();

    [Fact]
    public void Render_ClientPayload_ShowsOnlyItsLength()
    {
        Assert.Equal("<6 bytes redacted>", _redactor.Render(TranscriptDirection.ClientToServer, "p", "pencil"u8));
    }

    [Fact]
    public void Render_PrintableServerChallenge_IsShown()
    {
        Assert.Equal("\"r=abc,s=QSXCR+Q6sek8bf92,i=4096\"", _redactor.Render(TranscriptDirection.ServerToClient, "SCRAM-SHA-256", "r=abc,s=QSXCR+Q6sek8bf92,i=4096"u8));
    }

    [Fact]
    public void Render_BinaryServerPayload_ShowsOnlyItsLength()
    {
        // A server may hand the client a bearer secret (a rotated resume token in the final data).
        var token = new byte[32];
        token[0] = 0xe3;
        Assert.Equal("<32 bytes redacted>", _redactor.Render(TranscriptDirection.ServerToClient, "resume", token));
    }

    [Fact]
    public void Render_ScramServerSignature_IsRedacted()
    {
        // RFC 5802 §7: v= carries ServerSignature, a proof.
        var rendered = _redactor.Render(TranscriptDirection.ServerToClient, null, Encoding.ASCII.GetBytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
        Assert.Equal("\"v=<redacted>\"", rendered);
    }

    [Fact]
    public void Render_PerPluginRedactor_TakesPrecedence()
    {
        var redactor = new DefaultTranscriptRedactor().For("x", new FixedRedactor());
        Assert.Equal("fixed", redactor.Render(TranscriptDirection.ServerToClient, "x", [1, 2, 3]));
    }

    private sealed class FixedRedactor : ITranscriptRedactor
    {
        public string Render(TranscriptDirection direction, string? pluginName, ReadOnlySpan<byte> data) => "fixed";
    }
}
