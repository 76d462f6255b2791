using System.Collections.Frozen;

namespace Handshake.Internal;

/// <summary>Server verifiers by name (ordinal), resolved once from DI. A duplicate name is a start-up error.</summary>
internal sealed class AuthVerifierRegistry
{
    private readonly FrozenDictionary<string, IAuthVerifier> _verifiers;

    public AuthVerifierRegistry(IEnumerable<IAuthVerifier> verifiers)
    {
        _verifiers = NamedRegistry.Build(verifiers, v => v.Name, "verifier", "AddVerifier");
        Names = [.. _verifiers.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> Names { get; }

    public bool TryGet(string name, out IAuthVerifier verifier) => _verifiers.TryGetValue(name, out verifier!);
}
