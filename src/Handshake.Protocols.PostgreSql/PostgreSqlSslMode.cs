namespace Handshake.Protocols.PostgreSql;

/// <summary>When the client asks for TLS and how it checks the server's certificate (libpq's <c>sslmode</c>).</summary>
public enum PostgreSqlSslMode
{
    /// <summary>Never ask for TLS.</summary>
    Disable = 0,

    /// <summary>Ask for TLS; continue in plain text when the server declines. The certificate is not checked.</summary>
    Prefer = 1,

    /// <summary>Require TLS; the certificate is not checked (so the transport counts as encrypted but not verified).</summary>
    Require = 2,

    /// <summary>Require TLS, a trusted certificate chain and a certificate that names <see cref="PostgreSqlClientOptions.TargetHost"/>.</summary>
    VerifyFull = 3,
}
