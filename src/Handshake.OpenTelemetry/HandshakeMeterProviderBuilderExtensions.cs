using Handshake.OpenTelemetry;

namespace OpenTelemetry.Metrics;

/// <summary>Adds Handshake's metrics to an OpenTelemetry meter provider.</summary>
public static class HandshakeMeterProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes to the engine's <c>Meter</c> ("Handshake"): <c>handshake.authentications</c>,
    /// <c>handshake.duration</c> (seconds, with bucket advice for milliseconds to a minute) and
    /// <c>handshake.rounds</c>. Failures carry <c>error.type</c>, the stable error code's name.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    public static MeterProviderBuilder AddHandshakeInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(HandshakeInstrumentation.SourceName);
    }
}
