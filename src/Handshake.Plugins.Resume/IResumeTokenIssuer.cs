namespace Handshake.Plugins.Resume;

/// <summary>
/// Issues the first token of a new family after a successful full login. The engine has no issuing
/// hook: the server application (or its protocol adapter) calls this with the acceptor's
/// <see cref="AuthResult"/> and hands the token to the client: in process by passing it to the
/// client's <see cref="IResumeTokenCache"/>, over a real protocol in a message after authentication
/// (e.g. a ParameterStatus-like or extension packet). Later tokens come from rotation, in the resume
/// verifier's final data.
/// </summary>
public interface IResumeTokenIssuer
{
    /// <summary>Issues a family's first token for a completed login.</summary>
    /// <param name="result">The acceptor's result of a full (not resumed) login.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token (a secret: give it only to the client that logged in).</returns>
    /// <exception cref="InvalidOperationException">The result is itself a resumption (its token was already rotated).</exception>
    ValueTask<ResumeToken> IssueAsync(AuthResult result, CancellationToken cancellationToken = default);
}
