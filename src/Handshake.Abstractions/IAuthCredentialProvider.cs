namespace Handshake;

/// <summary>
/// Supplies credentials when a handshake starts, for callers that fetch them late (a vault, a
/// prompt, a rotating secret store) rather than holding them up front.
/// </summary>
public interface IAuthCredentialProvider
{
    /// <summary>Fetches the credentials for one handshake. The negotiator disposes them when it ends.</summary>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The credentials.</returns>
    ValueTask<AuthCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}
