namespace Handshake.Audit;

/// <summary>What a client did with a scenario's server, as the server and the client's own report together show it.</summary>
public enum AuditClientBehavior
{
    /// <summary>The client treated the login as successful (it sent a message after the server's OK, or reported success).</summary>
    Accepted = 0,

    /// <summary>The client gave up before logging in: it reported an error or closed the connection.</summary>
    Refused = 1,

    /// <summary>The client was still connected, silent, when the scenario's deadline passed.</summary>
    Hung = 2,
}
