using Handshake.Audit.Internal;

namespace Handshake.Audit;

/// <summary>
/// One scripted server, as data: an id, what it does, where the attack or rule comes from, what a correct
/// client does, what a fix looks like, and the rule that turns what the client did into a verdict.
/// Serve it with <see cref="AuditServer"/> (a loopback socket) or <see cref="AuditSession"/> (any stream).
/// </summary>
public sealed class AuditScenario
{
    internal AuditScenario(ScenarioSpec spec)
    {
        Id = spec.Id;
        Protocol = spec.Protocol;
        Description = spec.Description;
        Source = spec.Source;
        CorrectClient = spec.CorrectClient;
        Fix = spec.Fix;
        UsesTls = spec.UsesTls;
        RequiresChannelBinding = spec.RequiresChannelBinding;
        IsControl = spec.IsControl;
        Rule = spec.Rule;
        Plan = spec.Plan;
    }

    /// <summary>Gets the stable id, for example <c>pg.ok-without-server-final</c>.</summary>
    public string Id { get; }

    /// <summary>Gets the protocol the scenario speaks.</summary>
    public AuditProtocol Protocol { get; }

    /// <summary>Gets what the server does, in one line.</summary>
    public string Description { get; }

    /// <summary>Gets where the rule or the attack comes from: an RFC section, a CVE or advisory, an issue.</summary>
    public string Source { get; }

    /// <summary>Gets what a correct client does.</summary>
    public string CorrectClient { get; }

    /// <summary>Gets what a fix in a failing client looks like.</summary>
    public string Fix { get; }

    /// <summary>Gets a value indicating whether the scenario needs the client to use TLS (PostgreSQL: SSLRequest; MySQL: the SSL request).</summary>
    public bool UsesTls { get; }

    /// <summary>Gets a value indicating whether the client should be run with channel binding required (libpq's <c>channel_binding=require</c>).</summary>
    public bool RequiresChannelBinding { get; }

    /// <summary>Gets a value indicating whether this is an honest-server control: a correct client logs in.</summary>
    public bool IsControl { get; }

    internal VerdictRule Rule { get; }

    internal object Plan { get; }

    /// <summary>Turns what the server saw and what the client reported into a verdict.</summary>
    /// <param name="observation">What the server saw (from <see cref="AuditSession"/>).</param>
    /// <param name="report">What the client reported, or null when only the server's view is known.</param>
    /// <returns>The finding.</returns>
    public AuditFinding Judge(AuditObservation observation, AuditClientReport? report)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (!ReferenceEquals(observation.Scenario, this))
        {
            throw new ArgumentException($"The observation is of scenario {observation.Scenario.Id}, not {Id}.", nameof(observation));
        }

        var facts = observation.Facts;
        var behavior = facts.End switch
        {
            AuditConnectionEnd.ClientLoggedIn => AuditClientBehavior.Accepted,
            _ when report is { Succeeded: true } => AuditClientBehavior.Accepted,
            AuditConnectionEnd.DeadlineExpired => AuditClientBehavior.Hung,
            _ when report is { TimedOut: true } => AuditClientBehavior.Hung,
            _ => AuditClientBehavior.Refused,
        };
        var (verdict, explanation) = Rule(new VerdictInput(facts, behavior, report, observation.Elapsed));
        return new AuditFinding(observation, report, behavior, verdict, explanation);
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
