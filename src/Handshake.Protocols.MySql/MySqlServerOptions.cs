namespace Handshake.Protocols.MySql;

/// <summary>
/// What the MySQL server adapter announces and accepts during the connection phase. Certificate,
/// <see cref="AdapterAcceptorOptions.RequireTls"/>, limits and deadlines are those every adapter shares.
/// </summary>
public sealed class MySqlServerOptions : AdapterAcceptorOptions
{
    /// <summary>Initializes the options: <see cref="AdapterAcceptorOptions.MaxMessageLength"/> 16 MiB (MySQL's own packet limit).</summary>
    public MySqlServerOptions()
        : base(16 * 1024 * 1024)
    {
    }

    /// <summary>Gets or sets the version string in Handshake v10. Default <c>8.0.36-Handshake</c> (clients gate features on it).</summary>
    public string ServerVersion { get; set; } = "8.0.36-Handshake";

    /// <summary>Gets or sets the connection id in Handshake v10.</summary>
    public uint ConnectionId { get; set; } = 1;

    /// <summary>Gets or sets the client host named in the access-denied message. Default <c>localhost</c>.</summary>
    public string ClientHost { get; set; } = "localhost";
}
