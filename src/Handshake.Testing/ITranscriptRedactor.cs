namespace Handshake.Testing;

/// <summary>Renders a payload for a transcript, hiding whatever is secret. It gets the bytes once and keeps nothing.</summary>
public interface ITranscriptRedactor
{
    /// <summary>Renders a payload.</summary>
    /// <param name="direction">Which way it went.</param>
    /// <param name="pluginName">The plugin in play.</param>
    /// <param name="data">The payload.</param>
    /// <returns>Text safe to print.</returns>
    string Render(TranscriptDirection direction, string? pluginName, ReadOnlySpan<byte> data);
}
