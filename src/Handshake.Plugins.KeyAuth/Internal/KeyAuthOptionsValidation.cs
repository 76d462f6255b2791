using Microsoft.Extensions.Options;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>Checks both options types, at start-up through DI and in the plugin and verifier constructors.</summary>
internal sealed class KeyAuthOptionsValidation : IValidateOptions<KeyAuthClientOptions>, IValidateOptions<KeyAuthVerifierOptions>
{
    public static string? Check(KeyAuthClientOptions options)
    {
        var sources = (options.PrivateKeyPem is null ? 0 : 1) + (options.KeySource is null ? 0 : 1) + (options.Signer is null ? 0 : 1);
        if (sources != 1)
        {
            return $"Key auth needs exactly one of PrivateKeyPem, KeySource or Signer; {sources} are set.";
        }

        if (options.PrivateKeyPem is not null && !options.PrivateKeyPem.Contains("-----BEGIN ", StringComparison.Ordinal))
        {
            return "PrivateKeyPem does not look like PEM: it has no '-----BEGIN ' line.";
        }

        return options.MinimumRsaKeySize is < 1024 or > SshKeyBlob.MaxRsaBits
            ? $"MinimumRsaKeySize must be between 1024 and {SshKeyBlob.MaxRsaBits}."
            : null;
    }

    public static string? Check(KeyAuthVerifierOptions options)
    {
        if (options.ChallengeLifetime <= TimeSpan.Zero || options.ChallengeLifetime > TimeSpan.FromHours(1))
        {
            return "ChallengeLifetime must be positive and at most one hour.";
        }

        if (options.MinimumRsaKeySize is < 1024 or > SshKeyBlob.MaxRsaBits)
        {
            return $"MinimumRsaKeySize must be between 1024 and {SshKeyBlob.MaxRsaBits}.";
        }

        if (options.MaxTrackedChallenges < 1)
        {
            return "MaxTrackedChallenges must be positive.";
        }

        foreach (var revoked in options.RevokedKeys)
        {
            if (!KeyAuthFingerprint.TryParse(revoked, out _))
            {
                return $"RevokedKeys entry '{PeerText.Printable(revoked ?? string.Empty, 40)}' is not a fingerprint: write 'SHA256:' and 43 base64 characters, as 'ssh-keygen -l' prints it.";
            }
        }

        return null;
    }

    public ValidateOptionsResult Validate(string? name, KeyAuthClientOptions options) =>
        Check(options) is { } failure ? ValidateOptionsResult.Fail($"Key auth plugin '{name}': {failure}") : ValidateOptionsResult.Success;

    public ValidateOptionsResult Validate(string? name, KeyAuthVerifierOptions options) =>
        Check(options) is { } failure ? ValidateOptionsResult.Fail($"Key auth verifier '{name}': {failure}") : ValidateOptionsResult.Success;
}
