namespace Handshake.OpenTelemetry.Tests;

/// <summary>Tests whose OpenTelemetry providers listen to every Handshake meter and source in the process run one at a time.</summary>
[CollectionDefinition(nameof(ProcessWideTelemetry), DisableParallelization = true)]
public sealed class ProcessWideTelemetry
{
}
