using Handshake.OpenTelemetry;

namespace OpenTelemetry.Trace;

/// <summary>Adds Handshake's traces to an OpenTelemetry tracer provider.</summary>
public static class HandshakeTracerProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes to the engine's <c>ActivitySource</c> ("Handshake"): one span per handshake,
    /// <c>handshake.client</c> or <c>handshake.server</c>, with the mechanism and assurance level, and
    /// status Error with <c>error.type</c> on failure.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder.</returns>
    public static TracerProviderBuilder AddHandshakeInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(HandshakeInstrumentation.SourceName);
    }
}
