namespace Handshake.Plugins.KeyAuth;

/// <summary>Server-side settings of a key auth verifier.</summary>
public sealed class KeyAuthVerifierOptions
{
    /// <summary>Gets or sets how long a challenge stays valid after the server sent it. Default 60 seconds.</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets a value indicating whether the server first sends the fingerprints of the keys
    /// it accepts for the user, so a client holding several keys picks the right one (two rounds).
    /// Off by default: the list tells whoever asks which keys a user has, and although an unknown
    /// user gets a plausible, stable made-up list, the real list can still be compared with a known
    /// public key. Turn it on only where that is acceptable.
    /// </summary>
    public bool AdvertiseKeys { get; set; }

    /// <summary>Gets the fingerprints (<c>SHA256:...</c>, as <c>ssh-keygen -l</c> prints them) refused even when a user's credential lists them.</summary>
    public IList<string> RevokedKeys { get; } = [];

    /// <summary>Gets or sets the smallest RSA key, in bits, accepted in a stored credential. Default 2048.</summary>
    public int MinimumRsaKeySize { get; set; } = 2048;

    /// <summary>
    /// Gets or sets how many consumed challenges are remembered (for <see cref="ChallengeLifetime"/>)
    /// to refuse a reused one. When the store is full of unexpired challenges, new responses are
    /// refused rather than accepted unchecked. Default 100000.
    /// </summary>
    public int MaxTrackedChallenges { get; set; } = 100_000;
}
