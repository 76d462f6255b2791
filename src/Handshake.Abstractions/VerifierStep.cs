namespace Handshake;

/// <summary>A verifier exchange's decision after one client message.</summary>
public readonly record struct VerifierStep
{
    private VerifierStep(VerifierStepKind kind, ReadOnlyMemory<byte> data, AuthErrorCode reason, string? detail)
    {
        Kind = kind;
        Data = data;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>Gets the decision.</summary>
    public VerifierStepKind Kind { get; }

    /// <summary>Gets the data to send (continuation or final data).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets, for a rejection, the reason (for the server's logs and metrics; the client only learns that it failed).</summary>
    public AuthErrorCode Reason { get; }

    /// <summary>Gets, for a rejection, a log-safe detail (never a secret).</summary>
    public string? Detail { get; }

    /// <summary>Sends data and waits for the client's next message.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The step.</returns>
    public static VerifierStep Continue(ReadOnlyMemory<byte> data) => new(VerifierStepKind.Continue, data, AuthErrorCode.Unspecified, null);

    /// <summary>The factor passed.</summary>
    /// <param name="finalData">The server's final data (e.g. SCRAM's <c>v=</c>), possibly empty.</param>
    /// <returns>The step.</returns>
    public static VerifierStep Accept(ReadOnlyMemory<byte> finalData = default) => new(VerifierStepKind.Accept, finalData, AuthErrorCode.Unspecified, null);

    /// <summary>The factor failed.</summary>
    /// <param name="reason">Why (log-side only).</param>
    /// <param name="detail">A log-safe detail.</param>
    /// <returns>The step.</returns>
    public static VerifierStep Reject(AuthErrorCode reason, string? detail = null) => new(VerifierStepKind.Reject, default, reason, detail);

    /// <summary>
    /// This verifier cannot vouch for the user, but the user may still authenticate the normal way:
    /// when the verifier ran as an alternative first factor, the acceptor switches the client to the
    /// user's factor-1 method (once); otherwise the step counts as <see cref="Reject"/>.
    /// </summary>
    /// <param name="reason">Why (log-side only).</param>
    /// <param name="detail">A log-safe detail.</param>
    /// <returns>The step.</returns>
    public static VerifierStep Decline(AuthErrorCode reason, string? detail = null) => new(VerifierStepKind.Decline, default, reason, detail);

    /// <summary>Describes the step without its payload.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => Kind is VerifierStepKind.Reject or VerifierStepKind.Decline ? $"{Kind}({Reason}: {Detail})" : $"{Kind}({Data.Length} bytes)";
}
