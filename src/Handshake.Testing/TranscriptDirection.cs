namespace Handshake.Testing;

/// <summary>Which way a transcript entry travelled.</summary>
public enum TranscriptDirection
{
    /// <summary>From the server to the client.</summary>
    ServerToClient = 0,

    /// <summary>From the client to the server.</summary>
    ClientToServer = 1,
}
