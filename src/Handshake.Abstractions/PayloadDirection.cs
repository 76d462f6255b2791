namespace Handshake;

/// <summary>Which way a payload went, for a plugin's <see cref="IPayloadRedactor"/>.</summary>
public enum PayloadDirection
{
    /// <summary>Sent by the client (a response).</summary>
    ClientToServer = 0,

    /// <summary>Sent by the server (a challenge, a switch's data, final data).</summary>
    ServerToClient = 1,
}
