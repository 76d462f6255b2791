using Microsoft.Extensions.Options;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>Checks <see cref="ScramVerifierOptions"/> at start-up.</summary>
internal sealed class ScramVerifierOptionsValidator : IValidateOptions<ScramVerifierOptions>
{
    public ValidateOptionsResult Validate(string? name, ScramVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (ScramHash.ForName(name) is null)
        {
            return ValidateOptionsResult.Skip; // Only the SCRAM families' named options are SCRAM's.
        }

        return options.UnknownUserIterations < 1
            ? ValidateOptionsResult.Fail($"ScramVerifierOptions ({name}).UnknownUserIterations must be at least 1 (was {options.UnknownUserIterations}).")
            : ValidateOptionsResult.Success;
    }
}
