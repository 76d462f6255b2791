namespace Handshake.Protocols.PostgreSql;

/// <summary>A completed client startup phase: the authentication result and what the server announced before ReadyForQuery.</summary>
public sealed class PostgreSqlStartupResult
{
    internal PostgreSqlStartupResult(AuthResult authentication, Stream stream, TransportSecurity transport, IReadOnlyDictionary<string, string> serverParameters, int processId, int secretKey, char transactionStatus)
    {
        Authentication = authentication;
        Stream = stream;
        Transport = transport;
        ServerParameters = serverParameters;
        ProcessId = processId;
        SecretKey = secretKey;
        TransactionStatus = transactionStatus;
    }

    /// <summary>Gets the authentication result.</summary>
    public AuthResult Authentication { get; }

    /// <summary>Gets the user who authenticated.</summary>
    public string UserName => Authentication.UserName;

    /// <summary>Gets the mechanism the first factor ran on the wire (e.g. SCRAM-SHA-256-PLUS), or null when none ran.</summary>
    public string? Mechanism => Authentication.Factors is [var first, ..] ? first.Mechanism : null;

    /// <summary>Gets every factor that passed, in order.</summary>
    public IReadOnlyList<AuthFactorOutcome> Factors => Authentication.Factors;

    /// <summary>Gets the stream to continue on: the TLS stream when TLS was negotiated, else the stream given. The caller owns it.</summary>
    public Stream Stream { get; }

    /// <summary>Gets what the transport guaranteed during authentication.</summary>
    public TransportSecurity Transport { get; }

    /// <summary>Gets the ParameterStatus values the server sent (server_version, client_encoding, ...).</summary>
    public IReadOnlyDictionary<string, string> ServerParameters { get; }

    /// <summary>Gets the backend process id from BackendKeyData (0 if none was sent).</summary>
    public int ProcessId { get; }

    /// <summary>Gets the cancellation secret from BackendKeyData (0 if none was sent).</summary>
    public int SecretKey { get; }

    /// <summary>Gets the transaction status from ReadyForQuery ('I' idle).</summary>
    public char TransactionStatus { get; }
}
