namespace Handshake.Fuzz.Targets;

/// <summary>Deterministic bytes, so a recorded conversation replays exactly (nonces, scrambles, challenges).</summary>
internal sealed class DeterministicRandom(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}

/// <summary>Allows everything: the fuzz targets test parsing, not the cleartext policy.</summary>
internal sealed class PermissivePolicy : IAuthSecurityPolicy
{
    public static readonly PermissivePolicy Instance = new();

    public void EnsureCleartextAllowed(AuthExchangeContext context, string what)
    {
    }
}

/// <summary>One user with one stored credential (null: unknown user).</summary>
internal sealed class FixedCredentialSource(string? userName, StoredCredential? credential) : IVerifierCredentialSource
{
    public string? UserName => userName;

    public ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken) =>
        ValueTask.FromResult(credential);
}
