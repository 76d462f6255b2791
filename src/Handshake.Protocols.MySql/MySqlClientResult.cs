namespace Handshake.Protocols.MySql;

/// <summary>A completed MySQL login from the client side.</summary>
public sealed class MySqlClientResult
{
    internal MySqlClientResult(AuthResult result, string serverVersion, uint connectionId, Stream stream, TransportSecurity transport)
    {
        Result = result;
        ServerVersion = serverVersion;
        ConnectionId = connectionId;
        Stream = stream;
        Transport = transport;
    }

    /// <summary>Gets the negotiator's result: factors passed, plugins, rounds.</summary>
    public AuthResult Result { get; }

    /// <summary>Gets the version string from the server's handshake.</summary>
    public string ServerVersion { get; }

    /// <summary>Gets the connection id from the server's handshake.</summary>
    public uint ConnectionId { get; }

    /// <summary>Gets the stream to continue on (the TLS stream after an upgrade). The command phase starts at sequence id 0.</summary>
    public Stream Stream { get; }

    /// <summary>Gets what the connection guarantees.</summary>
    public TransportSecurity Transport { get; }
}
