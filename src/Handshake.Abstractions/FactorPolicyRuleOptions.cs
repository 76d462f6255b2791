namespace Handshake;

/// <summary>
/// The one switch of <see cref="FactorPolicyRules"/>, read by every place that applies them (the
/// acceptor per handshake, start-up validation of configured policies, tools that load users).
/// Register it with <c>ConfigureFactorPolicyRules</c> on the builder.
/// </summary>
public sealed class FactorPolicyRuleOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether a verifier that checks a server-stored password
    /// (<see cref="IAuthVerifier.UsesServerStoredPassword"/>) may serve as factor 2 or 3. Default
    /// false, as MySQL rules.
    /// </summary>
    public bool AllowServerStoredPasswordAfterFirstFactor { get; set; }
}
