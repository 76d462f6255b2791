using System.Security.Cryptography;
using Handshake.Plugins.KeyAuth.Internal;

namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// A key source that reads a PEM private key file per exchange, asynchronously; an encrypted
/// PKCS#8 key is unlocked with the factor's secret.
/// </summary>
public sealed class KeyAuthPemFileKeySource : IKeyAuthKeySource
{
    private readonly string _path;

    /// <summary>Creates the source.</summary>
    /// <param name="path">The PEM file.</param>
    public KeyAuthPemFileKeySource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
    }

    /// <inheritdoc />
    public async ValueTask<AsymmetricAlgorithm> GetKeyAsync(KeyAuthKeyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string pem;
        try
        {
            pem = await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HandshakeException(
                AuthErrorCode.KeyUnavailable,
                $"The private key file '{_path}' could not be read ({ex.GetType().Name}).",
                request.Context.PluginName,
                request.Context.FactorIndex,
                innerException: ex);
        }

        return PemKeyLoader.Load(pem, request.Context);
    }

    /// <summary>Names the file, never the key.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"KeyAuthPemFileKeySource({_path})";
}
