namespace Handshake;

/// <summary>Where the acceptor finds a user's factor policy and stored credentials.</summary>
public interface ICredentialStore
{
    /// <summary>Finds a user.</summary>
    /// <param name="userName">The user name as the client sent it.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The policy, or null when there is no such user.</returns>
    ValueTask<UserAuthPolicy?> FindUserAsync(string userName, CancellationToken cancellationToken);
}
