namespace Handshake.Plugins.NativePassword;

/// <summary>
/// The names the native password plugin and verifier register under by default (the MySQL protocol's plugin name).
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class NativePasswordPluginNames
{
    /// <summary>mysql_native_password (MySQL 4.1's Native41 scramble).</summary>
    public const string MySqlNativePassword = "mysql_native_password";
}
