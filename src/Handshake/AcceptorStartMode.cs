namespace Handshake;

/// <summary>How the acceptor opens the conversation.</summary>
public enum AcceptorStartMode
{
    /// <summary>Name one plugin with its initial data (MySQL's handshake v10).</summary>
    Begin = 0,

    /// <summary>
    /// Offer mechanisms for the client to choose from (SASL). With the user name at start (PostgreSQL's
    /// StartupMessage) the user's own mechanisms are offered; without it (IMAP, SMTP) the mechanisms of
    /// <see cref="AcceptorOptions.OfferedPlugins"/> are, and the chosen verifier names the user from the
    /// client's first message (<see cref="VerifierContext.IdentifyUserAsync"/>).
    /// </summary>
    Offer = 1,
}
