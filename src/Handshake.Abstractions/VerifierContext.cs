namespace Handshake;

/// <summary>What a server verifier gets when the acceptor starts one of its exchanges.</summary>
public sealed class VerifierContext
{
    private static readonly IReadOnlyDictionary<string, object?> NoProperties = new Dictionary<string, object?>(StringComparer.Ordinal);
    private readonly IVerifierCredentialSource _source;
    private readonly TransportSecurity _transport;

    /// <summary>Creates a context. The acceptor does this; tests may too.</summary>
    /// <param name="verifierName">The verifier's name (the credential family, e.g. "SCRAM-SHA-256").</param>
    /// <param name="mechanism">The mechanism name in use (e.g. "SCRAM-SHA-256-PLUS"); often equal to <paramref name="verifierName"/>.</param>
    /// <param name="factorIndex">The factor, 1 to 3.</param>
    /// <param name="transport">What the transport guarantees, with the server's own certificate.</param>
    /// <param name="source">Where the user and stored credential are read.</param>
    public VerifierContext(string verifierName, string mechanism, int factorIndex, TransportSecurity transport, IVerifierCredentialSource source)
    {
        ArgumentException.ThrowIfNullOrEmpty(verifierName);
        ArgumentException.ThrowIfNullOrEmpty(mechanism);
        ArgumentOutOfRangeException.ThrowIfLessThan(factorIndex, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(factorIndex, AuthCredentials.MaxFactors);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(source);
        VerifierName = verifierName;
        Mechanism = mechanism;
        FactorIndex = factorIndex;
        _transport = transport;
        _source = source;
    }

    /// <summary>Gets the verifier's name.</summary>
    public string VerifierName { get; }

    /// <summary>Gets the mechanism in use.</summary>
    public string Mechanism { get; }

    /// <summary>Gets the factor, 1 to 3.</summary>
    public int FactorIndex { get; }

    /// <summary>
    /// Gets what the transport guarantees now. It can change after <see cref="IVerifierExchange.BeginAsync"/>
    /// (a TLS upgrade the client asks for after the greeting, see <see cref="IVerifierCredentialSource.Transport"/>),
    /// never while the exchange processes a message: read it when a decision depends on it, not once at the start.
    /// </summary>
    public TransportSecurity Transport => _source.Transport ?? _transport;

    /// <summary>Gets the mechanisms the server offered in this factor (empty when it named one directly).</summary>
    public IReadOnlyList<string> OfferedMechanisms { get; init; } = [];

    /// <summary>Gets the user name, once known.</summary>
    public string? UserName => _source.UserName;

    /// <summary>Gets the clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets the random source for nonces, salts and challenges.</summary>
    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;

    /// <summary>Gets the limiter every slow key derivation (PBKDF2) takes a slot from, so that a connection storm cannot occupy every thread.</summary>
    public IKeyDerivationLimiter KeyDerivation { get; init; } = IKeyDerivationLimiter.Unbounded;

    /// <summary>Gets the services of the container the acceptor was resolved from, when there is one.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>Gets per-connection values from the server adapter.</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = NoProperties;

    /// <summary>
    /// Finds the stored credential of the current user for this verifier and factor. Null means an
    /// unknown user: the exchange must go on and fail exactly as a wrong password would, so a client
    /// cannot tell the two apart.
    /// </summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credential, or null.</returns>
    public ValueTask<StoredCredential?> GetStoredCredentialAsync(CancellationToken cancellationToken) =>
        _source.FindCredentialAsync(VerifierName, FactorIndex, cancellationToken);

    /// <summary>
    /// Finds the current user's stored credential of another verifier's family for this factor: a
    /// mechanism that checks a plaintext password (PLAIN) verifies it against the credential the user's
    /// policy keeps for this factor (e.g. "SCRAM-SHA-256"). Null as for <see cref="GetStoredCredentialAsync(CancellationToken)"/>.
    /// </summary>
    /// <param name="credentialFamily">The verifier name the user's policy stores the credential under.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credential, or null.</returns>
    public ValueTask<StoredCredential?> GetStoredCredentialAsync(string credentialFamily, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(credentialFamily);
        return _source.FindCredentialAsync(credentialFamily, FactorIndex, cancellationToken);
    }

    /// <summary>
    /// Names the user from the mechanism's first message (SCRAM's <c>n=</c>, PLAIN's authcid), where the
    /// protocol offered mechanisms before anyone was named (IMAP, SMTP); see <see cref="IVerifierCredentialSource.IdentifyUserAsync"/>.
    /// Call it before <see cref="GetStoredCredentialAsync(CancellationToken)"/>. A verifier calls it only
    /// while <see cref="UserName"/> is null, or to confirm the same name.
    /// </summary>
    /// <param name="userName">The user, decoded by the mechanism's rules.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>A task that completes when the user's policy is known.</returns>
    public ValueTask IdentifyUserAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return _source.IdentifyUserAsync(userName, cancellationToken);
    }
}
