using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Handshake.Mfa.Internal;

/// <summary>The credential store <c>AddFactorPolicies</c> installs: the validated policies, frozen on first use.</summary>
internal sealed class FactorPolicyCredentialStore(IOptions<FactorPolicyOptions> options) : ICredentialStore
{
    // Reading Value runs the start-up validation if ValidateOnStart did not already.
    private readonly Lazy<FrozenDictionary<string, UserAuthPolicy>> _users = new(
        () => options.Value.Users.ToFrozenDictionary(u => u.Key, u => new UserAuthPolicy(u.Key, u.Value), StringComparer.Ordinal));

    public ValueTask<UserAuthPolicy?> FindUserAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return ValueTask.FromResult(_users.Value.TryGetValue(userName, out var policy) ? policy : null);
    }
}
