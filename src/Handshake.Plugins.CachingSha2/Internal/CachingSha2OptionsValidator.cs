using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>Checks the client options at start-up: a configured server key must be an RSA key of at least 2048 bits.</summary>
internal sealed class CachingSha2OptionsValidator : IValidateOptions<CachingSha2Options>
{
    public ValidateOptionsResult Validate(string? name, CachingSha2Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.ServerPublicKeyPem))
        {
            return ValidateOptionsResult.Success;
        }

        using var rsa = RsaPasswordCipher.TryImport(options.ServerPublicKeyPem);
        return rsa is null
            ? ValidateOptionsResult.Fail("CachingSha2Options.ServerPublicKeyPem is not an RSA public key in PEM ('-----BEGIN PUBLIC KEY-----').")
            : rsa.KeySize < RsaPasswordCipher.MinKeySizeBits
                ? ValidateOptionsResult.Fail($"CachingSha2Options.ServerPublicKeyPem is a {rsa.KeySize}-bit key; at least {RsaPasswordCipher.MinKeySizeBits} bits are required.")
                : ValidateOptionsResult.Success;
    }
}
