using Handshake.Testing;
using Microsoft.Extensions.DependencyInjection;

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
    public void Render_NoCatalogue_ServerPayloadShowsOnlyItsLength()
    {
        // Nothing here knows a plugin's format: without the plugin's redactor even a printable server payload is hidden.
        Assert.Equal("<14 bytes redacted>", _redactor.Render(TranscriptDirection.ServerToClient, "SCRAM-SHA-256", "v=6rriTRBi23Wp"u8));
    }

    [Fact]
    public async Task Render_CatalogueRedactor_IsAskedWithTheDirection()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddPayloadRedactor("x", new DirectionRedactor());
        await using var sp = services.BuildServiceProvider();
        var redactor = new DefaultTranscriptRedactor(sp.GetRequiredService<IHandshakeCatalog>());

        Assert.Equal("ServerToClient:3", redactor.Render(TranscriptDirection.ServerToClient, "x", [1, 2, 3]));
        Assert.Equal("ClientToServer:1", redactor.Render(TranscriptDirection.ClientToServer, "x", [1]));
        Assert.Equal("<2 bytes redacted>", redactor.Render(TranscriptDirection.ServerToClient, "unregistered", [1, 2]));
        Assert.Equal("<2 bytes redacted>", redactor.Render(TranscriptDirection.ServerToClient, null, [1, 2]));
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

    private sealed class DirectionRedactor : IPayloadRedactor
    {
        public string Redact(PayloadDirection direction, ReadOnlySpan<byte> data) => $"{direction}:{data.Length}";
    }
}
