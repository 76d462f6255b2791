using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>Checks <see cref="ScramOptions"/> at start-up.</summary>
internal sealed class ScramOptionsValidator : IValidateOptions<ScramOptions>
{
    public ValidateOptionsResult Validate(string? name, ScramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (ScramHash.ForName(name) is null)
        {
            return ValidateOptionsResult.Skip; // Only the SCRAM families' named options are SCRAM's.
        }

        var failures = new List<string>();
        if (options.MinIterations < 1)
        {
            failures.Add($"ScramOptions.MinIterations must be at least 1 (was {options.MinIterations}).");
        }

        if (options.MaxIterations < options.MinIterations)
        {
            failures.Add($"ScramOptions.MaxIterations ({options.MaxIterations}) must not be below MinIterations ({options.MinIterations}).");
        }

        if (!Enum.IsDefined(options.ChannelBinding))
        {
            failures.Add($"ScramOptions.ChannelBinding has an undefined value ({(int)options.ChannelBinding}).");
        }

        if (options.DerivedKeyCacheCapacity < 1)
        {
            failures.Add($"ScramOptions.DerivedKeyCacheCapacity must be at least 1 (was {options.DerivedKeyCacheCapacity}).");
        }

        if (options.PlusPreference < 0 || options.PlainPreference < 0)
        {
            failures.Add("ScramOptions.PlusPreference and PlainPreference must not be negative (a negative rank means 'not eligible').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
