namespace Handshake.Protocols.PostgreSql;

/// <summary>A completed client startup phase: the shared adapter result plus what the server announced before ReadyForQuery.</summary>
public sealed class PostgreSqlStartupResult : AdapterClientResult
{
    internal PostgreSqlStartupResult(AuthResult authentication, Stream stream, TransportSecurity transport, IReadOnlyDictionary<string, string> serverParameters, int processId, int secretKey, char transactionStatus)
        : base(authentication, stream, transport)
    {
        ServerParameters = serverParameters;
        ProcessId = processId;
        SecretKey = secretKey;
        TransactionStatus = transactionStatus;
    }

    /// <summary>Gets the ParameterStatus values the server sent (server_version, client_encoding, ...).</summary>
    public IReadOnlyDictionary<string, string> ServerParameters { get; }

    /// <summary>Gets the backend process id from BackendKeyData (0 if none was sent).</summary>
    public int ProcessId { get; }

    /// <summary>Gets the cancellation secret from BackendKeyData (0 if none was sent).</summary>
    public int SecretKey { get; }

    /// <summary>Gets the transaction status from ReadyForQuery ('I' idle).</summary>
    public char TransactionStatus { get; }
}
