namespace Handshake;

/// <summary>How the acceptor opens the conversation.</summary>
public enum AcceptorStartMode
{
    /// <summary>Name one plugin with its initial data (MySQL's handshake v10).</summary>
    Begin = 0,

    /// <summary>Offer the user's mechanisms for the client to choose from (SASL; PostgreSQL's AuthenticationSASL). Needs the user name at start.</summary>
    Offer = 1,
}
