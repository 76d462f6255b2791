using System.Security.Cryptography.X509Certificates;

namespace Handshake.Protocols.MySql;

/// <summary>What the MySQL server adapter announces and accepts during the connection phase.</summary>
public sealed class MySqlServerOptions
{
    /// <summary>Gets or sets the version string in Handshake v10. Default <c>8.0.36-Handshake</c> (clients gate features on it).</summary>
    public string ServerVersion { get; set; } = "8.0.36-Handshake";

    /// <summary>Gets or sets the connection id in Handshake v10.</summary>
    public uint ConnectionId { get; set; } = 1;

    /// <summary>
    /// Gets or sets the server certificate (with private key). When set, CLIENT_SSL is offered and a
    /// client's SSLRequest upgrades the connection with <see cref="System.Net.Security.SslStream"/>.
    /// </summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Gets or sets the client host named in the access-denied message. Default <c>localhost</c>.</summary>
    public string ClientHost { get; set; } = "localhost";

    /// <summary>Gets or sets the largest payload accepted from the client during the handshake. Default 16 MiB.</summary>
    public int MaxPacketSize { get; set; } = 16 * 1024 * 1024;
}
