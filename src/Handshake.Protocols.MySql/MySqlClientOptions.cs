using System.Net.Security;

namespace Handshake.Protocols.MySql;

/// <summary>What the MySQL client adapter sends and accepts during the connection phase.</summary>
public sealed class MySqlClientOptions
{
    /// <summary>Gets or sets the user name sent in HandshakeResponse41. Required.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>Gets or sets the initial database (CLIENT_CONNECT_WITH_DB); none when null.</summary>
    public string? Database { get; set; }

    /// <summary>Gets or sets whether to upgrade to TLS.</summary>
    public MySqlSslMode SslMode { get; set; }

    /// <summary>Gets or sets the TLS options (target host, certificate validation). Used when <see cref="SslMode"/> is Required.</summary>
    public SslClientAuthenticationOptions? SslOptions { get; set; }

    /// <summary>
    /// Gets the client plugins the first answer may use. When the server's advertised plugin is
    /// not among them, the client answers with <see cref="FallbackPlugin"/> and waits for the
    /// server's AuthSwitchRequest instead of refusing (a server may name any default). Empty (the
    /// default): the negotiator decides (<see cref="AuthNegotiator.CanUsePlugin"/>: registered and allowed).
    /// </summary>
    public ICollection<string> RegisteredPlugins { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the plugin the first answer uses when the advertised one is not registered. Default <c>mysql_native_password</c>.</summary>
    public string FallbackPlugin { get; set; } = "mysql_native_password";

    /// <summary>Gets or sets the character set id sent to the server. Default 45 (utf8mb4_general_ci, known to MySQL and MariaDB).</summary>
    public byte CharacterSet { get; set; } = 45;

    /// <summary>Gets or sets the max_packet_size announced to the server in HandshakeResponse41 (for the command phase). Default 16 MiB.</summary>
    public int MaxPacketSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest payload accepted from the server during the connection phase. Default 64 KiB:
    /// a greeting, an AuthSwitchRequest or an RSA public key is well under 4 KiB, so a length header announcing
    /// more (up to 0xFFFFFF) is refused when it arrives instead of being waited for until the deadline.
    /// </summary>
    public int MaxHandshakePacketSize { get; set; } = 64 * 1024;
}
