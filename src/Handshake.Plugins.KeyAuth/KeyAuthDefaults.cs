namespace Handshake.Plugins.KeyAuth;

/// <summary>Limits of the key auth plugin; its default name is <see cref="KeyAuthPluginNames.SshKeyAuth"/>.</summary>
public static class KeyAuthDefaults
{
    /// <summary>The challenge length the server sends, in bytes.</summary>
    public const int ChallengeLength = 32;
}
