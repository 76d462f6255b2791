namespace Handshake;

/// <summary>
/// One client-to-server step: the bytes a client exchange produced, the plugin that produced them,
/// and (on the first message of a handshake) the user name.
/// </summary>
/// <param name="PluginName">The plugin or mechanism that produced the data (the chosen one, after an offer).</param>
/// <param name="Data">The bytes. Never printed: they may be a password.</param>
/// <param name="UserName">The user name, on the first message of a handshake where the protocol carries it there.</param>
public readonly record struct AuthClientMessage(string? PluginName, ReadOnlyMemory<byte> Data, string? UserName = null)
{
    /// <summary>Describes the message without its payload.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => $"AuthClientMessage({PluginName}, {Data.Length} bytes{(UserName is null ? string.Empty : ", user " + UserName)})";
}
