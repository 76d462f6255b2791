namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// The names the key auth plugin and verifier register under by default.
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class KeyAuthPluginNames
{
    /// <summary>ssh-key-auth, as the mysql2 documentation's example spells it.</summary>
    public const string SshKeyAuth = "ssh-key-auth";
}
