using Handshake.Audit.Internal;

namespace Handshake.Audit;

/// <summary>What a scenario's server saw during one connection: a trace of the messages and how the connection ended.</summary>
public sealed class AuditObservation
{
    internal AuditObservation(AuditScenario scenario, SessionFacts facts, TimeSpan elapsed)
    {
        Scenario = scenario;
        Facts = facts;
        Elapsed = elapsed;
    }

    /// <summary>Gets the scenario that was served.</summary>
    public AuditScenario Scenario { get; }

    /// <summary>Gets the trace, one line per message ("client: SASLInitialResponse SCRAM-SHA-256 gs2=n", ...). It never holds a password or a proof.</summary>
    public IReadOnlyList<string> Events => Facts.Events;

    /// <summary>Gets how the connection ended.</summary>
    public AuditConnectionEnd End => Facts.End;

    /// <summary>Gets how long the connection lasted.</summary>
    public TimeSpan Elapsed { get; }

    internal SessionFacts Facts { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Scenario.Id}: {End} after {Elapsed.TotalSeconds:0.00} s, {Events.Count} events";
}
