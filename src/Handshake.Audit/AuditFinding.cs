namespace Handshake.Audit;

/// <summary>One line of a scorecard: a scenario, what the client did, and the verdict with its reason.</summary>
public sealed class AuditFinding
{
    internal AuditFinding(AuditObservation observation, AuditClientReport? report, AuditClientBehavior behavior, AuditVerdict verdict, string explanation)
    {
        Observation = observation;
        Report = report;
        Behavior = behavior;
        Verdict = verdict;
        Explanation = explanation;
    }

    /// <summary>Gets the scenario.</summary>
    public AuditScenario Scenario => Observation.Scenario;

    /// <summary>Gets what the server saw.</summary>
    public AuditObservation Observation { get; }

    /// <summary>Gets what the client reported, if anything was reported.</summary>
    public AuditClientReport? Report { get; }

    /// <summary>Gets what the client did.</summary>
    public AuditClientBehavior Behavior { get; }

    /// <summary>Gets the verdict.</summary>
    public AuditVerdict Verdict { get; }

    /// <summary>Gets why: what the client did in this scenario's terms (control characters escaped).</summary>
    public string Explanation { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Scenario.Id}: {Verdict} ({Behavior}) - {Explanation}";
}
