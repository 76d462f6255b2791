namespace Handshake.Plugins.Scram;

/// <summary>Whether the SCRAM client binds the exchange to the TLS channel (RFC 5802 §6, RFC 5929), as libpq's <c>channel_binding</c>.</summary>
public enum ScramChannelBinding
{
    /// <summary>Never bind: only the plain mechanism is used, and the GS2 flag is <c>n</c>.</summary>
    Disable = 0,

    /// <summary>Bind when the server offers -PLUS and the certificate allows it; otherwise run the plain mechanism (flag <c>y</c> when the client could have bound).</summary>
    Prefer = 1,

    /// <summary>Bind or fail: a plain mechanism, a certificate with no binding hash, or an OK without a -PLUS exchange is refused.</summary>
    Require = 2,
}
