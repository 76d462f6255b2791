namespace Handshake.Plugins.KeyAuth;

/// <summary>Default names and limits of the key auth plugin.</summary>
public static class KeyAuthDefaults
{
    /// <summary>The default plugin and verifier name, as the mysql2 documentation's example spells it.</summary>
    public const string Name = "ssh-key-auth";

    /// <summary>The challenge length the server sends, in bytes.</summary>
    public const int ChallengeLength = 32;
}
