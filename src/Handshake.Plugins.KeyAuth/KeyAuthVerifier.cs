using System.Security.Cryptography;
using Handshake.Plugins.KeyAuth.Internal;

namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// The server side of key auth ("ssh-key-auth"). A user's stored credential
/// (<see cref="StoredCredential.Value"/>) holds one or more public keys, one per line, each a PEM
/// SubjectPublicKeyInfo block (<c>-----BEGIN PUBLIC KEY-----</c>) or an OpenSSH authorized_keys line
/// of type <c>ecdsa-sha2-nistp256</c>, <c>ecdsa-sha2-nistp384</c> or <c>ssh-rsa</c> (no options);
/// blank lines and <c>#</c> comments are skipped; at most 32 keys. A malformed or unsupported line
/// fails the factor with <see cref="AuthErrorCode.InvalidStoredCredential"/>.
/// </summary>
/// <remarks>
/// <para>
/// Each exchange draws a 32-byte challenge from <see cref="VerifierContext.Random"/>. A response after
/// <see cref="KeyAuthVerifierOptions.ChallengeLifetime"/> is refused with <see cref="AuthErrorCode.Timeout"/>;
/// a challenge answered twice (a repeating random source, a replayed response) with
/// <see cref="AuthErrorCode.ReplayDetected"/>. A revoked key (options or <see cref="IKeyAuthRevocationList"/>)
/// fails with <see cref="AuthErrorCode.PolicyViolation"/> even with a valid signature.
/// </para>
/// <para>
/// An unknown user runs the same exchange and fails like a bad signature
/// (<see cref="AuthErrorCode.InvalidCredential"/>, the same detail). In multi-round mode
/// (<see cref="KeyAuthVerifierOptions.AdvertiseKeys"/>) an unknown user gets one made-up fingerprint,
/// stable per user name; that hides a missing user from a casual probe, but the mode still lets
/// anyone learn which keys a real user has, which is why it is off by default.
/// </para>
/// </remarks>
public sealed class KeyAuthVerifier : IAuthVerifier
{
    private static readonly Lazy<ECDsa> Decoy = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));
    private readonly IKeyAuthRevocationList? _revocationList;
    private readonly HashSet<KeyAuthFingerprint> _revokedByOptions;

    /// <summary>Creates the verifier under the default name "ssh-key-auth".</summary>
    /// <param name="options">The settings.</param>
    public KeyAuthVerifier(KeyAuthVerifierOptions options)
        : this(KeyAuthPluginNames.SshKeyAuth, options, revocationList: null)
    {
    }

    /// <summary>Creates the verifier under a name of your choice.</summary>
    /// <param name="name">The verifier name a user's factor policy names.</param>
    /// <param name="options">The settings.</param>
    /// <param name="revocationList">Revoked keys besides those in the options, or null.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public KeyAuthVerifier(string name, KeyAuthVerifierOptions options, IKeyAuthRevocationList? revocationList)
        : this(name, options, revocationList, unknownUserKey: null)
    {
    }

    /// <summary>Creates the verifier under a name of your choice, with the server's unknown-user key.</summary>
    /// <param name="name">The verifier name a user's factor policy names.</param>
    /// <param name="options">The settings.</param>
    /// <param name="revocationList">Revoked keys besides those in the options, or null.</param>
    /// <param name="unknownUserKey">
    /// The key (at least 32 bytes) unknown users' made-up fingerprints derive from, shared by every
    /// instance of a fleet (<see cref="ServerSecretOptions.UnknownUserKey"/>); null generates one for
    /// this verifier, which then answers differently from any other instance.
    /// </param>
    /// <exception cref="ArgumentException">The options are invalid, or the key is shorter than 32 bytes.</exception>
    public KeyAuthVerifier(string name, KeyAuthVerifierOptions options, IKeyAuthRevocationList? revocationList, ReadOnlyMemory<byte>? unknownUserKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        if (KeyAuthOptionsValidation.Check(options) is { } failure)
        {
            throw new ArgumentException(failure, nameof(options));
        }

        Name = name;
        Options = options;
        _revocationList = revocationList;
        _revokedByOptions = [.. options.RevokedKeys.Select(KeyAuthFingerprint.Parse)];
        Challenges = new ConsumedChallengeStore(options.MaxTrackedChallenges);

        // Keys the made-up fingerprint lists of unknown users; a server secret, never sent.
        if (unknownUserKey is { } key && key.Length < ServerSecrets.MinKeyLength)
        {
            throw new ArgumentException($"The unknown-user key must be at least {ServerSecrets.MinKeyLength} bytes.", nameof(unknownUserKey));
        }

        DecoyListKey = unknownUserKey?.ToArray() ?? RandomNumberGenerator.GetBytes(ServerSecrets.MinKeyLength);
    }

    /// <inheritdoc />
    public string Name { get; }

    internal static ECDsa DecoyKey => Decoy.Value;

    internal KeyAuthVerifierOptions Options { get; }

    internal ConsumedChallengeStore Challenges { get; }

    internal byte[] DecoyListKey { get; }

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new KeyAuthVerifierExchange(context, this);
    }

    internal async ValueTask<bool> IsRevokedAsync(KeyAuthFingerprint fingerprint, CancellationToken cancellationToken) =>
        _revokedByOptions.Contains(fingerprint)
        || (_revocationList is not null && await _revocationList.IsRevokedAsync(fingerprint, cancellationToken).ConfigureAwait(false));
}
