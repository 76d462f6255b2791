namespace Handshake.Protocols.Sasl.Internal;

/// <summary>The adapters' typed failures.</summary>
internal static class SaslErrors
{
    public static HandshakeException Violation(string message) => new(AuthErrorCode.ProtocolViolation, message);

    public static HandshakeException Transport(string message, Exception inner) => new(AuthErrorCode.TransportFailure, message, innerException: inner);
}
