namespace Handshake.Audit;

/// <summary>How a client did against a scenario's rule.</summary>
public enum AuditVerdict
{
    /// <summary>The client did what a correct client does.</summary>
    Pass = 0,

    /// <summary>The client did what the scenario exists to catch.</summary>
    Fail = 1,

    /// <summary>The client never reached the part the scenario tests (for example it did not use TLS in a TLS scenario).</summary>
    NotApplicable = 2,
}
