namespace Handshake.Protocols.MySql;

/// <summary>Whether the client upgrades the connection to TLS with an SSLRequest.</summary>
public enum MySqlSslMode
{
    /// <summary>Never; the handshake runs in the clear.</summary>
    None = 0,

    /// <summary>Always; fails when the server does not offer CLIENT_SSL.</summary>
    Required = 1,
}
