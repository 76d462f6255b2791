namespace Handshake.Plugins.Resume;

/// <summary>
/// How the server application learns what a resumption stood for. <see cref="AuthResult"/> counts
/// the factors passed in this handshake, so a resumed login shows one factor, "resume", and
/// assurance level 1. Put a <see cref="ResumedSession"/> in the acceptor's per-connection properties
/// under <see cref="PropertyKey"/>; after the handshake <see cref="Record"/> holds the original
/// login's user, factors and <see cref="ResumeTokenRecord.AssuranceLevel"/> (when the verifier
/// accepted), and <see cref="Outcome"/> what the verifier decided (also on refusal, for audit).
/// </summary>
public sealed class ResumedSession
{
    /// <summary>The acceptor property key.</summary>
    public const string PropertyKey = "Handshake.Resume.Session";

    /// <summary>Gets the outcome of the token presented on this connection, or null when none was.</summary>
    public ResumeRedeemOutcome? Outcome { get; private set; }

    /// <summary>Gets, once accepted, the original login this resumption stands for; null otherwise.</summary>
    public ResumeTokenRecord? Record { get; private set; }

    /// <summary>Gets, once accepted, the assurance level of the original login (0 when not resumed).</summary>
    public int AssuranceLevel => Record?.AssuranceLevel ?? 0;

    /// <summary>Gets a value indicating whether this connection was authenticated by resumption.</summary>
    public bool Resumed => Outcome == ResumeRedeemOutcome.Accepted;

    internal void Set(ResumeRedeemResult result)
    {
        Outcome = result.Outcome;
        Record = result.Outcome == ResumeRedeemOutcome.Accepted ? result.Record : null;
    }

    /// <inheritdoc />
    public override string ToString() => Outcome is null ? "ResumedSession(none)" : $"ResumedSession({Outcome}{(Record is null ? string.Empty : ", " + Record)})";
}
