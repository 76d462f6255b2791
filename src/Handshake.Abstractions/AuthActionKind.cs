namespace Handshake;

/// <summary>What the negotiator asks the driver to do after an event.</summary>
public enum AuthActionKind
{
    /// <summary>Nothing to send: wait for the server's next event.</summary>
    None = 0,

    /// <summary>Send <see cref="AuthAction.Data"/> to the server.</summary>
    Send = 1,

    /// <summary>Authentication is complete; <see cref="AuthAction.Result"/> says how.</summary>
    Completed = 2,
}
