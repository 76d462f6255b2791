namespace Handshake.Audit.Internal;

/// <summary>What a verdict rule is given.</summary>
internal readonly record struct VerdictInput(SessionFacts Facts, AuditClientBehavior Behavior, AuditClientReport? Report, TimeSpan Elapsed);

/// <summary>A verdict rule: what the client did, judged.</summary>
internal delegate (AuditVerdict Verdict, string Explanation) VerdictRule(VerdictInput input);

/// <summary>The fields of a scenario, as the catalogue writes them.</summary>
internal sealed record ScenarioSpec(
    string Id,
    AuditProtocol Protocol,
    string Description,
    string Source,
    string CorrectClient,
    string Fix,
    VerdictRule Rule,
    object Plan,
    bool UsesTls = false,
    bool RequiresChannelBinding = false,
    bool IsControl = false);
