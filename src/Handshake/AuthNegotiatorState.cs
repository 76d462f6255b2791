namespace Handshake;

/// <summary>Where a negotiator or acceptor is in its handshake.</summary>
public enum AuthNegotiatorState
{
    /// <summary>No event handled yet.</summary>
    NotStarted = 0,

    /// <summary>Exchanging rounds.</summary>
    InProgress = 1,

    /// <summary>Authenticated; the result is available.</summary>
    Completed = 2,

    /// <summary>Failed or abandoned; the negotiator cannot be used again.</summary>
    Failed = 3,
}
