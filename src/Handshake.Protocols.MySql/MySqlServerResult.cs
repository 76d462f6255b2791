namespace Handshake.Protocols.MySql;

/// <summary>The outcome of a MySQL login on the server side: the shared acceptor result plus what HandshakeResponse41 carried.</summary>
public sealed class MySqlServerResult : AdapterAcceptorResult
{
    internal MySqlServerResult(AuthResult? authentication, string? userName, string? database, string? clientPluginName, AuthErrorCode failureReason, string? failureDetail, Stream stream, TransportSecurity transport, bool clientMultiFactor, MySqlServerOptions options)
        : base(transport, authentication, userName, failureReason, failureDetail)
    {
        Options = options;
        Database = database;
        ClientPluginName = clientPluginName;
        Stream = stream;
        ClientSupportsMultiFactor = clientMultiFactor;
    }

    /// <summary>Gets the database named in HandshakeResponse41, if any.</summary>
    public string? Database { get; }

    /// <summary>Gets the plugin the client's first answer used.</summary>
    public string? ClientPluginName { get; }

    /// <summary>Gets the stream to continue on (the TLS stream after an upgrade).</summary>
    public Stream Stream { get; }

    /// <summary>Gets a value indicating whether the client set CLIENT_MULTI_FACTOR_AUTHENTICATION.</summary>
    public bool ClientSupportsMultiFactor { get; }

    /// <summary>Gets the options the login ran under (the command phase keeps their idle deadline and clock).</summary>
    internal MySqlServerOptions Options { get; }
}
