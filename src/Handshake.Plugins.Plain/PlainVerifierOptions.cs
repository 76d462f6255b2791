namespace Handshake.Plugins.Plain;

/// <summary>Server-side PLAIN settings. Validated at start-up.</summary>
public sealed class PlainVerifierOptions
{
    /// <summary>
    /// Gets or sets the credential family PLAIN checks passwords against: the verifier name a user's
    /// policy stores the password's verifier under, whose package registers an
    /// <see cref="IStoredPasswordChecker"/> for it (<c>AddScramVerifier</c> does for "SCRAM-SHA-256").
    /// A credential stored under "PLAIN" itself is read in the same format. Default "SCRAM-SHA-256", so
    /// a user provisioned for SCRAM can also log in with PLAIN over TLS, as Dovecot allows.
    /// </summary>
    public string CredentialFamily { get; set; } = "SCRAM-SHA-256";

    /// <summary>
    /// Gets or sets a value indicating whether the verifier is offered and run over a transport that is
    /// not safe for cleartext (no TLS, not trusted local). Default false: a server never invites a client
    /// to send its password in the clear (RFC 4616 §6, RFC 9051 LOGINDISABLED's reasoning).
    /// </summary>
    public bool AllowInsecureTransport { get; set; }
}
