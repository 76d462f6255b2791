namespace Handshake;

/// <summary>
/// Everything a client plugin gets when a handshake starts one of its exchanges: who, which factor,
/// that factor's secret, what the transport guarantees, and the clock and random seams.
/// </summary>
public sealed class AuthExchangeContext
{
    private static readonly IReadOnlyDictionary<string, object?> NoProperties = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Creates a context. The engine does this; tests and custom engines may too.</summary>
    /// <param name="pluginName">The plugin or mechanism name the exchange runs under.</param>
    /// <param name="factorIndex">The factor, 1 to 3.</param>
    /// <param name="credentials">The handshake's credentials.</param>
    /// <param name="transport">What the transport guarantees.</param>
    /// <param name="securityPolicy">The cleartext gate.</param>
    public AuthExchangeContext(string pluginName, int factorIndex, AuthCredentials credentials, TransportSecurity transport, IAuthSecurityPolicy securityPolicy)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginName);
        ArgumentOutOfRangeException.ThrowIfLessThan(factorIndex, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(factorIndex, AuthCredentials.MaxFactors);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(securityPolicy);
        PluginName = pluginName;
        FactorIndex = factorIndex;
        Credentials = credentials;
        Transport = transport;
        SecurityPolicy = securityPolicy;
    }

    /// <summary>Gets the plugin or mechanism name this exchange runs under (e.g. "SCRAM-SHA-256-PLUS").</summary>
    public string PluginName { get; }

    /// <summary>Gets the factor, 1 to 3.</summary>
    public int FactorIndex { get; }

    /// <summary>Gets the handshake's credentials (all factor slots).</summary>
    public AuthCredentials Credentials { get; }

    /// <summary>Gets the user name.</summary>
    public string UserName => Credentials.UserName;

    /// <summary>Gets this factor's secret, or null when its slot is empty or the engine withheld it (<see cref="IsSecretWithheld"/>).</summary>
    public AuthSecret? Secret => IsSecretWithheld ? null : Credentials.GetSecret(FactorIndex);

    /// <summary>
    /// Gets a value indicating whether the engine withheld the secrets: the plugin does not declare
    /// what it sends of them (<see cref="IAuthPlugin.SecretUse"/> is <see cref="AuthSecretUse.Unspecified"/>)
    /// and the cleartext gate refuses this transport. <see cref="Credentials"/> then carries the user
    /// name only, and <see cref="RequireSecret"/> throws <see cref="AuthErrorCode.PolicyViolation"/>.
    /// </summary>
    public bool IsSecretWithheld { get; init; }

    /// <summary>Gets what the transport guarantees.</summary>
    public TransportSecurity Transport { get; }

    /// <summary>Gets the cleartext gate.</summary>
    public IAuthSecurityPolicy SecurityPolicy { get; }

    /// <summary>Gets the mechanisms the server offered, when it offered a list (SASL); empty otherwise.</summary>
    public IReadOnlyList<string> OfferedMechanisms { get; init; } = [];

    /// <summary>Gets the clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets the random source for nonces and salts.</summary>
    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;

    /// <summary>Gets the limiter every slow key derivation (PBKDF2) takes a slot from, so that a connection storm cannot occupy every thread.</summary>
    public IKeyDerivationLimiter KeyDerivation { get; init; } = IKeyDerivationLimiter.Unbounded;

    /// <summary>Gets the services of the container the engine was resolved from, when there is one.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>Gets per-connection values a driver passes to plugins (mysql2's per-connection plugin options).</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = NoProperties;

    /// <summary>Returns this factor's secret or throws <see cref="AuthErrorCode.MissingCredential"/> naming the factor.</summary>
    /// <returns>The secret.</returns>
    /// <exception cref="HandshakeException">The slot for this factor is empty; or <see cref="AuthErrorCode.PolicyViolation"/> when the engine withheld the secret (<see cref="IsSecretWithheld"/>).</exception>
    public AuthSecret RequireSecret() =>
        IsSecretWithheld ? throw new HandshakeException(
            AuthErrorCode.PolicyViolation,
            $"Plugin '{PluginName}' asked for factor {FactorIndex}'s secret, but it does not declare what it sends of it, and the transport is a {Transport}: an undeclared plugin gets a secret only where it could travel in the clear. Declare AuthSecretUse.Derived (IAuthPlugin.SecretUse, or AddPlugin(name, AuthSecretUse.Derived, ...)) if only values computed from the secret leave; declare AuthSecretUse.Cleartext if the secret itself is sent, and use TLS with certificate verification (or HandshakeOptions.AllowCleartextWithoutVerifiedTls).",
            PluginName,
            FactorIndex)
        : Secret is { } secret ? CheckPassThrough(secret) : throw new HandshakeException(
            AuthErrorCode.MissingCredential,
            $"Factor {FactorIndex} ({PluginName}) needs a secret, but none was given for user '{UserName}'. Supply password{(FactorIndex == 1 ? string.Empty : FactorIndex)} in the credentials.",
            PluginName,
            FactorIndex);

    /// <summary>
    /// A pass-through key is as good as the password for servers with the same verifier: it goes only to
    /// the plugin of its own mechanism, never to another the server switched to (which might send it as it is).
    /// </summary>
    private AuthSecret CheckPassThrough(AuthSecret secret) =>
        secret.Kind != AuthSecretKind.PassThrough || secret.PassThrough!.IsFor(PluginName)
            ? secret
            : throw new HandshakeException(
                AuthErrorCode.PassThroughMismatch,
                $"Factor {FactorIndex}'s secret is a pass-through key for {secret.PassThrough.Mechanism}, but the server asked for {PluginName}; the key is handed only to its own mechanism. Configure the backend to use {secret.PassThrough.Mechanism} for user '{UserName}'.",
                PluginName,
                FactorIndex);

    /// <summary>Asks the engine's policy gate whether a secret may be sent in the clear; throws if not.</summary>
    /// <param name="what">What would be sent, for the message.</param>
    public void EnsureCleartextAllowed(string what) => SecurityPolicy.EnsureCleartextAllowed(this, what);
}
