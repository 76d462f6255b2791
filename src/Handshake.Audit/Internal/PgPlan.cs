namespace Handshake.Audit.Internal;

/// <summary>What the PostgreSQL scenario server sends in place of an honest AuthenticationSASLFinal.</summary>
internal enum PgServerFinal
{
    Honest = 0,
    Omit = 1,
    Error = 2,
    WrongSignature = 3,
    ForeignChannelBinding = 4,
}

/// <summary>How an OAUTHBEARER scenario (RFC 7628 inside AuthenticationSASL, PostgreSQL 18's oauth method) bends the exchange.</summary>
internal enum PgOAuthBearerMode
{
    None = 0,

    /// <summary>OAUTHBEARER offered over plain TCP; the client's initial response is inspected for a token.</summary>
    OfferedInClear = 1,

    /// <summary>The error JSON (RFC 7628 §3.2.2) answering the initial response is <see cref="PgPlan.ErrorJsonLength"/> bytes.</summary>
    OversizedError = 2,

    /// <summary>A well-formed error JSON, then no answer to the client's dummy 0x01 (RFC 7628 §3.2.3).</summary>
    ErrorThenSilence = 3,
}

/// <summary>How one PostgreSQL scenario bends the honest SCRAM exchange.</summary>
internal sealed record PgPlan
{
    public bool Tls { get; init; }

    /// <summary>Gets a value indicating whether TLS presents an Ed25519 certificate (no tls-server-end-point hash exists for it).</summary>
    public bool Ed25519Certificate { get; init; }

    public IReadOnlyList<string> Mechanisms { get; init; } = ["SCRAM-SHA-256"];

    public int Iterations { get; init; } = 4096;

    /// <summary>Gets a value indicating whether a client-final is answered with an error: the server could not check it (10^8 iterations, a bad salt).</summary>
    public bool RefuseClientFinal { get; init; }

    public bool SaltNotBase64 { get; init; }

    public bool NonceNotExtended { get; init; }

    public PgServerFinal Final { get; init; }

    public string ServerError { get; init; } = "invalid-proof";

    public bool StallAfterStartup { get; init; }

    public bool HugeLength { get; init; }

    public string? ErrorInsteadOfAuthentication { get; init; }

    public bool OkWithoutAuthentication { get; init; }

    public PgOAuthBearerMode OAuthBearer { get; init; }

    /// <summary>Gets the length of the oversized OAUTHBEARER error JSON, in bytes.</summary>
    public int ErrorJsonLength { get; init; } = 1024 * 1024;
}
