namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// The names the caching_sha2 plugin and verifier register under by default (the MySQL protocol's plugin name).
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class CachingSha2PluginNames
{
    /// <summary>caching_sha2_password (MySQL 8's default).</summary>
    public const string CachingSha2Password = "caching_sha2_password";
}
