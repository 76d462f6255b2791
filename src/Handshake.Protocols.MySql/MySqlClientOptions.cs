namespace Handshake.Protocols.MySql;

/// <summary>
/// What the MySQL client adapter sends and accepts during the connection phase. TLS, trust, limits and
/// deadlines are those every adapter shares (<see cref="AdapterClientOptions"/>); the user is the one in
/// the credentials given to <see cref="MySqlClientConnector.ConnectAsync"/>.
/// </summary>
public sealed class MySqlClientOptions : AdapterClientOptions
{
    /// <summary>Initializes the options: <see cref="AdapterClientOptions.MaxMessageLength"/> 64 KiB (a greeting, an AuthSwitchRequest or an RSA public key is well under 4 KiB, so a length header announcing more, up to 0xFFFFFF, is refused when it arrives instead of being waited for).</summary>
    public MySqlClientOptions()
        : base(64 * 1024)
    {
    }

    /// <summary>Gets or sets the initial database (CLIENT_CONNECT_WITH_DB); none when null.</summary>
    public string? Database { get; set; }

    /// <summary>
    /// Gets the client plugins the first answer may use. Empty (the default): the negotiator decides
    /// (<see cref="AuthNegotiator.CanUsePlugin"/>: registered and allowed).
    /// </summary>
    public ICollection<string> RegisteredPlugins { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the plugin the first answer uses when the greeting's plugin is not one this client may
    /// use. Null (the default) names no plugin: the client answers the greeting's plugin with an empty auth
    /// response (no secret) and authenticates with whatever plugin the server's AuthSwitchRequest names,
    /// as a server does for a user whose plugin differs from its default.
    /// </summary>
    public string? FallbackPlugin { get; set; }

    /// <summary>Gets or sets the character set id sent to the server. Default 45 (utf8mb4_general_ci, known to MySQL and MariaDB).</summary>
    public byte CharacterSet { get; set; } = 45;

    /// <summary>Gets or sets the max_packet_size announced to the server in HandshakeResponse41 (for the command phase). Default 16 MiB.</summary>
    public int MaxPacketSize { get; set; } = 16 * 1024 * 1024;
}
