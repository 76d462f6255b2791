namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>The server side's rule for methods whose answers travel in the clear: offered only over TLS or a trusted local socket, unless configured otherwise.</summary>
internal static class CleartextTransport
{
    public static bool ServerMayAsk(TransportSecurity transport, bool allowInsecureTransport) =>
        transport.IsConfidential || allowInsecureTransport;
}
