namespace Handshake;

/// <summary>How a client and an acceptor fared when run against each other in memory.</summary>
/// <param name="ClientResult">The client's result, when it authenticated.</param>
/// <param name="ClientError">The client's error, when it failed.</param>
/// <param name="ServerResult">The acceptor's result, when it accepted.</param>
/// <param name="ServerFailureReason">The acceptor's real reason, when it rejected.</param>
public sealed record InMemoryHandshakeResult(AuthResult? ClientResult, HandshakeException? ClientError, AuthResult? ServerResult, AuthErrorCode ServerFailureReason)
{
    /// <summary>Gets a value indicating whether both sides agree the user authenticated.</summary>
    public bool Succeeded => ClientResult is not null && ServerResult is not null;
}
