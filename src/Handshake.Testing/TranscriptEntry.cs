namespace Handshake.Testing;

/// <summary>One recorded step, already redacted: the raw bytes are never kept.</summary>
/// <param name="Direction">Which way it went.</param>
/// <param name="Step">The event kind, or "Response" for a client message.</param>
/// <param name="PluginName">The plugin in play.</param>
/// <param name="Length">The payload's length in bytes.</param>
/// <param name="Rendered">The payload as the redactor rendered it.</param>
public sealed record TranscriptEntry(TranscriptDirection Direction, string Step, string? PluginName, int Length, string Rendered)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(Direction == TranscriptDirection.ServerToClient ? "S -> C" : "C -> S")}  {Step}{(PluginName is null ? string.Empty : " [" + PluginName + "]")}  {Rendered}";
}
