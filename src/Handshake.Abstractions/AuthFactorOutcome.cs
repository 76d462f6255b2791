namespace Handshake;

/// <summary>How one factor of a handshake passed.</summary>
/// <param name="FactorIndex">The factor, 1 to 3.</param>
/// <param name="PluginName">The plugin that completed it.</param>
/// <param name="PluginsTried">Every plugin the factor ran under, in order (more than one after a switch).</param>
/// <param name="Rounds">Rounds this factor took.</param>
public sealed record AuthFactorOutcome(int FactorIndex, string PluginName, IReadOnlyList<string> PluginsTried, int Rounds)
{
    /// <summary>
    /// Gets the mechanism the factor ran on the wire: the last one it ran under. A server's verifier
    /// may run several mechanisms under one name (SCRAM-SHA-256 as SCRAM-SHA-256-PLUS), so this, not
    /// <see cref="PluginName"/>, is what a log line or a result names.
    /// </summary>
    public string Mechanism => PluginsTried.Count > 0 ? PluginsTried[^1] : PluginName;

    /// <inheritdoc />
    public override string ToString() => $"factor {FactorIndex}: {PluginName} ({Rounds} round{(Rounds == 1 ? string.Empty : "s")}{(PluginsTried.Count > 1 ? ", via " + string.Join(" -> ", PluginsTried) : string.Empty)})";
}
