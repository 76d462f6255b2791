namespace Handshake.Cli.Probe;

/// <summary>libpq's sslmode values that probe understands, for both protocols.</summary>
internal enum ProbeSslMode
{
    /// <summary>No TLS.</summary>
    Disable,

    /// <summary>TLS when the server offers it, without checking the certificate; plain otherwise.</summary>
    Prefer,

    /// <summary>TLS or fail; the certificate is not checked.</summary>
    Require,

    /// <summary>TLS with the certificate checked against the system store (or --ca-cert) and the host name.</summary>
    VerifyFull,
}
