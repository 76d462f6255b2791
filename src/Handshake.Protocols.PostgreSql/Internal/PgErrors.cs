namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>The typed exceptions the adapter raises for what a peer or the connection did.</summary>
internal static class PgErrors
{
    public static HandshakeException Violation(string message, Exception? inner = null) =>
        new(AuthErrorCode.ProtocolViolation, message, innerException: inner);

    public static HandshakeException Transport(string message, Exception? inner = null) =>
        new(AuthErrorCode.TransportFailure, message, innerException: inner);
}
