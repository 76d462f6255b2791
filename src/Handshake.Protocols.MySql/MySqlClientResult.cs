namespace Handshake.Protocols.MySql;

/// <summary>A completed MySQL login from the client side: the shared adapter result plus what the server's handshake announced.</summary>
public sealed class MySqlClientResult : AdapterClientResult
{
    internal MySqlClientResult(AuthResult authentication, string serverVersion, uint connectionId, Stream stream, TransportSecurity transport)
        : base(authentication, stream, transport)
    {
        ServerVersion = serverVersion;
        ConnectionId = connectionId;
    }

    /// <summary>Gets the version string from the server's handshake.</summary>
    public string ServerVersion { get; }

    /// <summary>Gets the connection id from the server's handshake.</summary>
    public uint ConnectionId { get; }
}
