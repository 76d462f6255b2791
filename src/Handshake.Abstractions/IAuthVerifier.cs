namespace Handshake;

/// <summary>
/// A server authentication method, keyed by <see cref="Name"/> (the credential family it checks,
/// compared ordinally). Singletons; per-handshake state lives in the exchange.
/// </summary>
public interface IAuthVerifier
{
    /// <summary>Gets the verifier's name, as a user's factor policy names it.</summary>
    string Name { get; }

    /// <summary>
    /// Gets a value indicating whether this method checks a password the server stores a verifier
    /// of (native password, caching_sha2, SCRAM). MySQL's multi-factor rules allow such a method
    /// only as factor 1 unless a policy explicitly allows otherwise.
    /// </summary>
    bool UsesServerStoredPassword => false;

    /// <summary>
    /// Gets the mechanism names this verifier can run over a transport, most preferred first (what
    /// the server offers for SASL-style choice; e.g. SCRAM's -PLUS variant only over TLS).
    /// </summary>
    /// <param name="transport">The transport.</param>
    /// <returns>The mechanisms; by default just <see cref="Name"/>.</returns>
    IReadOnlyList<string> GetMechanisms(TransportSecurity transport) => [Name];

    /// <summary>Starts this verifier's part of one factor.</summary>
    /// <param name="context">The factor's context.</param>
    /// <returns>The exchange.</returns>
    IVerifierExchange Start(VerifierContext context);
}
