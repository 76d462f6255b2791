namespace Handshake;

/// <summary>What the legacy single switch handler receives (mysql2's deprecated <c>authSwitchHandler</c>).</summary>
/// <param name="PluginName">The plugin the server switched to: set on the first call of an exchange only, null on later calls, as mysql2 does.</param>
/// <param name="PluginData">The server's data.</param>
/// <param name="Context">The exchange's context (user, factor, secret).</param>
public sealed record LegacyAuthSwitchRequest(string? PluginName, ReadOnlyMemory<byte> PluginData, AuthExchangeContext Context)
{
    /// <inheritdoc />
    public override string ToString() => $"LegacyAuthSwitchRequest({PluginName ?? "(continuation)"}, {PluginData.Length} bytes)";
}
