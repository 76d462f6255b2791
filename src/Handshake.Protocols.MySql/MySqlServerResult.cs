namespace Handshake.Protocols.MySql;

/// <summary>The outcome of a MySQL login on the server side.</summary>
public sealed class MySqlServerResult
{
    internal MySqlServerResult(AuthResult? result, string? userName, string? database, string? clientPluginName, AuthErrorCode failureReason, Stream stream, TransportSecurity transport, bool clientMultiFactor, MySqlServerOptions options)
    {
        Options = options;
        Result = result;
        UserName = userName;
        Database = database;
        ClientPluginName = clientPluginName;
        FailureReason = failureReason;
        Stream = stream;
        Transport = transport;
        ClientSupportsMultiFactor = clientMultiFactor;
    }

    /// <summary>Gets a value indicating whether the client was accepted (an OK was sent).</summary>
    public bool Succeeded => Result is not null;

    /// <summary>Gets the acceptor's result when accepted; null when an ERR was sent.</summary>
    public AuthResult? Result { get; }

    /// <summary>Gets the user named in HandshakeResponse41, if it arrived.</summary>
    public string? UserName { get; }

    /// <summary>Gets the database named in HandshakeResponse41, if any.</summary>
    public string? Database { get; }

    /// <summary>Gets the plugin the client's first answer used.</summary>
    public string? ClientPluginName { get; }

    /// <summary>Gets, after a rejection, the real reason (for the server's logs; the client saw only 1045).</summary>
    public AuthErrorCode FailureReason { get; }

    /// <summary>Gets the stream to continue on (the TLS stream after an upgrade).</summary>
    public Stream Stream { get; }

    /// <summary>Gets what the connection guarantees.</summary>
    public TransportSecurity Transport { get; }

    /// <summary>Gets a value indicating whether the client set CLIENT_MULTI_FACTOR_AUTHENTICATION.</summary>
    public bool ClientSupportsMultiFactor { get; }

    /// <summary>Gets the options the login ran under (the command phase keeps their idle deadline and clock).</summary>
    internal MySqlServerOptions Options { get; }
}
