namespace Handshake;

/// <summary>What a verifier exchange decided after a client message.</summary>
public enum VerifierStepKind
{
    /// <summary>Not a valid step (the default value).</summary>
    None = 0,

    /// <summary>Send data to the client and wait for more.</summary>
    Continue = 1,

    /// <summary>The factor passed; the data (possibly empty) is the server's final message (its proof).</summary>
    Accept = 2,

    /// <summary>The factor failed.</summary>
    Reject = 3,

    /// <summary>
    /// An alternative first-factor verifier (<c>AcceptorOptions.AlternativeFirstPlugins</c>, e.g. session
    /// resumption) cannot vouch for the user: the acceptor switches the client to the user's own
    /// factor-1 method instead of failing. From any other verifier it is a rejection.
    /// </summary>
    Decline = 4,
}
