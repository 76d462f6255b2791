namespace Handshake.OpenTelemetry;

/// <summary>The names the Handshake engine publishes its telemetry under.</summary>
public static class HandshakeInstrumentation
{
    /// <summary>The name of the engine's <c>Meter</c> and <c>ActivitySource</c>.</summary>
    public const string SourceName = "Handshake";

    /// <summary>Handshakes that ended: a counter, by <c>handshake.role</c>, <c>handshake.mechanism</c>, <c>handshake.outcome</c> and, on failure, <c>error.type</c>.</summary>
    public const string AuthenticationsMetric = "handshake.authentications";

    /// <summary>Duration of handshakes in seconds: a histogram whose bucket boundaries (100 µs to 60 s) come as instrument advice.</summary>
    public const string DurationMetric = "handshake.duration";

    /// <summary>Rounds per completed handshake: a histogram.</summary>
    public const string RoundsMetric = "handshake.rounds";
}
