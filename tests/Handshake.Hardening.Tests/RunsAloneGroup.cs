namespace Handshake.Hardening.Tests;

/// <summary>
/// Test classes that observe process-wide state (GC.GetTotalMemory, the static "Handshake"
/// ActivitySource and meters): xunit runs this collection with no other class in parallel, so what
/// they observe is their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneGroup
{
    public const string Name = "Runs alone (process-wide observers)";
}
