namespace Handshake.Plugins.Ed25519;

/// <summary>
/// The names the ed25519 plugin and verifier register under by default (MariaDB's plugin name).
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class Ed25519PluginNames
{
    /// <summary>client_ed25519 (MariaDB's ed25519 authentication, what a server with auth_ed25519 asks for).</summary>
    public const string ClientEd25519 = "client_ed25519";
}
