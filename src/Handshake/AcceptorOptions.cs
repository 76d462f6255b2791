namespace Handshake;

/// <summary>Server-side rules for the acceptor. Validated at start-up.</summary>
public sealed class AcceptorOptions
{
    /// <summary>Gets or sets the verifier the server names first when it does not yet know the user (MySQL's default authentication plugin). Required.</summary>
    public string? DefaultPlugin { get; set; }

    /// <summary>
    /// Gets or sets the verifier that runs a fake exchange for unknown users; defaults to
    /// <see cref="DefaultPlugin"/>. Pick the method most real users have, so an unknown user
    /// looks like a common one.
    /// </summary>
    public string? UnknownUserPlugin { get; set; }

    /// <summary>
    /// Gets the verifiers whose mechanisms are offered, in this order, when the acceptor runs in
    /// <see cref="AcceptorStartMode.Offer"/> before it knows the user (IMAP <c>AUTHENTICATE</c>, SMTP
    /// <c>AUTH</c>: the server lists its mechanisms first). The verifier the client's choice belongs to
    /// names the user from its first message. Empty: <see cref="DefaultPlugin"/> alone.
    /// </summary>
    public IList<string> OfferedPlugins { get; } = [];

    /// <summary>Gets or sets the most rounds one handshake may take. Default 32.</summary>
    public int MaxRounds { get; set; } = 32;

    /// <summary>Gets or sets the most factors the server will ask for (1 to 3). Default 3.</summary>
    public int MaxFactors { get; set; } = AuthCredentials.MaxFactors;

    /// <summary>Gets or sets how long the server waits for one client message under <c>RunAsync</c>. Default 15 s.</summary>
    public TimeSpan RoundTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long the whole handshake may take under <c>RunAsync</c>. Default 60 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets the verifiers a client may choose for factor 1 in place of the user's own chain
    /// (e.g. "resume" for session resumption). Offered after the user's factor-1 mechanisms in
    /// <see cref="AcceptorStartMode.Offer"/>, to every user alike (an unknown user included, so the
    /// offer reveals nothing). Such a verifier stands for the whole chain: its
    /// <see cref="VerifierStepKind.Accept"/> completes the handshake at once, and its
    /// <see cref="VerifierStepKind.Decline"/> switches the client to the user's factor-1 method in the
    /// same connection (at most once). Empty by default.
    /// </summary>
    public ISet<string> AlternativeFirstPlugins { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the error code sent to the client on any failure. Default "access_denied"; adapters map it to 28P01 or 1045.</summary>
    public string FailureCode { get; set; } = "access_denied";

    /// <summary>
    /// Gets or sets the message sent to the client on any failure; <c>{0}</c> is the user name.
    /// The same text for an unknown user and a wrong proof, so the reply reveals nothing.
    /// </summary>
    public string FailureMessage { get; set; } = "Authentication failed for user \"{0}\".";
}
