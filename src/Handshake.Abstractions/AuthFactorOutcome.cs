namespace Handshake;

/// <summary>How one factor of a handshake passed.</summary>
/// <param name="FactorIndex">The factor, 1 to 3.</param>
/// <param name="PluginName">The plugin that completed it.</param>
/// <param name="PluginsTried">Every plugin the factor ran under, in order (more than one after a switch).</param>
/// <param name="Rounds">Rounds this factor took.</param>
public sealed record AuthFactorOutcome(int FactorIndex, string PluginName, IReadOnlyList<string> PluginsTried, int Rounds)
{
    /// <inheritdoc />
    public override string ToString() => $"factor {FactorIndex}: {PluginName} ({Rounds} round{(Rounds == 1 ? string.Empty : "s")}{(PluginsTried.Count > 1 ? ", via " + string.Join(" -> ", PluginsTried) : string.Empty)})";
}
