namespace Handshake.Audit;

/// <summary>How the scenario's connection ended, as the server saw it.</summary>
public enum AuditConnectionEnd
{
    /// <summary>The client closed (or reset) the connection.</summary>
    ClientClosed = 0,

    /// <summary>The client sent a message after the server's final OK: it considers itself logged in.</summary>
    ClientLoggedIn = 1,

    /// <summary>The scenario's deadline passed while the client was connected and silent.</summary>
    DeadlineExpired = 2,

    /// <summary>The test reported the client's outcome (<see cref="AuditSession.JudgeAsync"/>) while the server was still waiting.</summary>
    ClientReported = 3,

    /// <summary>The client broke the protocol (a malformed or oversized message) and the server hung up.</summary>
    ProtocolError = 4,
}
