namespace Handshake.Protocols.PostgreSql;

/// <summary>How one server-side PostgreSQL session ended: the shared acceptor result plus what the StartupMessage carried.</summary>
public sealed class PostgreSqlAcceptorResult : AdapterAcceptorResult
{
    internal PostgreSqlAcceptorResult(string? userName, string? database, TransportSecurity transport, AuthResult? authentication, AuthErrorCode failureReason, string? failureDetail, bool cancelRequest)
        : base(transport, authentication, userName, failureReason, failureDetail)
    {
        Database = database;
        IsCancelRequest = cancelRequest;
    }

    /// <summary>Gets the database named in the StartupMessage (the user name when absent).</summary>
    public string? Database { get; }

    /// <summary>Gets a value indicating whether the connection carried a CancelRequest (closed without a reply).</summary>
    public bool IsCancelRequest { get; }
}
