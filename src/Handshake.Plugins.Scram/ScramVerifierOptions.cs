namespace Handshake.Plugins.Scram;

/// <summary>Server-side SCRAM settings. Validated at start-up.</summary>
public sealed class ScramVerifierOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether a client may send an authorization identity
    /// (<c>a=</c> in the GS2 header). When allowed it must name the authenticating user. Default false.
    /// </summary>
    public bool AllowAuthorizationIdentity { get; set; }

    /// <summary>
    /// Gets or sets the iteration count shown in the fake exchange run for an unknown user. Use the
    /// count real users' credentials have, so an unknown user looks like a known one. Default 4096.
    /// </summary>
    public int UnknownUserIterations { get; set; } = ScramOptions.DefaultMinIterations;

    /// <summary>
    /// Gets or sets a value indicating whether a verified login hands the application the user's
    /// ClientKey (ClientProof XOR ClientSignature, RFC 5802 §3) with the stored ServerKey, salt and
    /// iteration count, as <see cref="AuthResult.PassThroughCredential"/>: what a proxy or pooler needs to
    /// log in to a backend that keeps the same verifier, without the password. Default false.
    /// </summary>
    /// <remarks>
    /// Whoever holds the key can log in as the user to every server with that verifier: turn it on only in
    /// a proxy, and dispose the credential when the backend login is done.
    /// </remarks>
    public bool RecoverPassThroughKey { get; set; }
}
