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
}
