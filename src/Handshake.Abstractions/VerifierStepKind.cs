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
}
