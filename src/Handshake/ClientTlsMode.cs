namespace Handshake;

/// <summary>
/// What a protocol adapter's client demands of TLS. One set of modes for every adapter, named as libpq
/// names them; only <see cref="VerifyFull"/> makes <see cref="TransportSecurity.IsCertificateVerified"/> true,
/// because only a checked chain and a checked host name stop a machine in the middle (RFC 6125 §6), and the
/// cleartext gate depends on that flag.
/// </summary>
public enum ClientTlsMode
{
    /// <summary>Never use TLS.</summary>
    Disable = 0,

    /// <summary>Use TLS when the server offers it, plain TCP otherwise; the certificate is not verified.</summary>
    Prefer = 1,

    /// <summary>Use TLS or fail; the certificate is not verified (encryption against a passive listener only).</summary>
    Require = 2,

    /// <summary>Use TLS or fail, and the certificate must chain to a trusted root; the host name is not checked, so the transport still does not count as verified.</summary>
    VerifyCA = 3,

    /// <summary>Use TLS or fail; the chain must be trusted and the certificate must name <see cref="AdapterClientOptions.TargetHost"/>. The only mode that counts as verified.</summary>
    VerifyFull = 4,
}
