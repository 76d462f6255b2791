namespace Handshake;

/// <summary>How many slow key derivations (PBKDF2) may run at once in the process; the rest queue. Validated at start-up.</summary>
public sealed class KeyDerivationOptions
{
    /// <summary>
    /// Gets or sets how many derivations may run at once. Default: the processor count, so derivations
    /// alone never occupy more threads than there are cores and other work keeps running in a
    /// connection storm. <see cref="int.MaxValue"/> removes the bound.
    /// </summary>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;
}
