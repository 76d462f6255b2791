using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>Checks the server options at start-up: the key is a private RSA key of at least 2048 bits; the cache holds at least one user.</summary>
internal sealed class CachingSha2VerifierOptionsValidator : IValidateOptions<CachingSha2VerifierOptions>
{
    public ValidateOptionsResult Validate(string? name, CachingSha2VerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.CacheCapacity < 1)
        {
            failures.Add($"CachingSha2VerifierOptions.CacheCapacity must be at least 1 (it is {options.CacheCapacity}).");
        }

        if (options.UnknownUserIterations is < CachingSha2Credential.MinIterations or > CachingSha2Credential.MaxIterations)
        {
            failures.Add($"CachingSha2VerifierOptions.UnknownUserIterations must be between {CachingSha2Credential.MinIterations} and {CachingSha2Credential.MaxIterations}.");
        }

        if (!string.IsNullOrEmpty(options.PrivateKeyPem))
        {
            using var rsa = RsaPasswordCipher.TryImport(options.PrivateKeyPem);
            if (rsa is null || !HasPrivateKey(rsa))
            {
                // Never echo the PEM: it is a private key.
                failures.Add("CachingSha2VerifierOptions.PrivateKeyPem is not an RSA private key in PEM.");
            }
            else if (rsa.KeySize < RsaPasswordCipher.MinKeySizeBits)
            {
                failures.Add($"CachingSha2VerifierOptions.PrivateKeyPem is a {rsa.KeySize}-bit key; at least {RsaPasswordCipher.MinKeySizeBits} bits are required.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool HasPrivateKey(RSA rsa)
    {
        try
        {
            var parameters = rsa.ExportParameters(includePrivateParameters: true);
            CryptographicOperations.ZeroMemory(parameters.D);
            CryptographicOperations.ZeroMemory(parameters.P);
            CryptographicOperations.ZeroMemory(parameters.Q);
            CryptographicOperations.ZeroMemory(parameters.DP);
            CryptographicOperations.ZeroMemory(parameters.DQ);
            CryptographicOperations.ZeroMemory(parameters.InverseQ);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
