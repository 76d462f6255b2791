using System.Collections.Concurrent;

namespace Handshake;

/// <summary>A thread-safe credential store held in memory: the embedded default for demos, tests and small servers.</summary>
public sealed class InMemoryCredentialStore : ICredentialStore
{
    private readonly ConcurrentDictionary<string, UserAuthPolicy> _users = new(StringComparer.Ordinal);

    /// <summary>Gets the number of users.</summary>
    public int Count => _users.Count;

    /// <summary>Adds or replaces a user.</summary>
    /// <param name="policy">The user's policy.</param>
    /// <returns>This store.</returns>
    public InMemoryCredentialStore AddUser(UserAuthPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _users[policy.UserName] = policy;
        return this;
    }

    /// <summary>Adds or replaces a user with ordered factors.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="factors">One to three factors.</param>
    /// <returns>This store.</returns>
    public InMemoryCredentialStore AddUser(string userName, params AuthFactorPolicy[] factors) => AddUser(new UserAuthPolicy(userName, factors));

    /// <summary>Removes a user.</summary>
    /// <param name="userName">The user.</param>
    /// <returns>Whether the user existed.</returns>
    public bool RemoveUser(string userName) => _users.TryRemove(userName, out _);

    /// <inheritdoc />
    public ValueTask<UserAuthPolicy?> FindUserAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return ValueTask.FromResult(_users.TryGetValue(userName, out var policy) ? policy : null);
    }
}
