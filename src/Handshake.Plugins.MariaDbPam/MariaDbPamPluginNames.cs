namespace Handshake.Plugins.MariaDbPam;

/// <summary>
/// The names the plugins MariaDB's PAM authentication talks to register under by default (the MySQL protocol's plugin names).
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class MariaDbPamPluginNames
{
    /// <summary>dialog (MariaDB's question-and-answer plugin, what auth_pam v2 asks for).</summary>
    public const string Dialog = "dialog";

    /// <summary>mysql_clear_password (the password as it is, what auth_pam asks for with one question).</summary>
    public const string ClearPassword = "mysql_clear_password";
}
