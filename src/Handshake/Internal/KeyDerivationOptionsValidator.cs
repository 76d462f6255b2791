using Microsoft.Extensions.Options;

namespace Handshake.Internal;

/// <summary>Validates <see cref="KeyDerivationOptions"/>: at least one derivation must be able to run.</summary>
internal sealed class KeyDerivationOptionsValidator : IValidateOptions<KeyDerivationOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyDerivationOptions options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        return options.MaxConcurrency < 1
            ? ValidateOptionsResult.Fail($"KeyDerivationOptions.MaxConcurrency must be at least 1 (was {options.MaxConcurrency}); int.MaxValue removes the bound.")
            : ValidateOptionsResult.Success;
    }
}
