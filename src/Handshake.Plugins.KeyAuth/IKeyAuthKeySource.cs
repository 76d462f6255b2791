using System.Security.Cryptography;

namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// Fetches the private key for one exchange, asynchronously (from a file, a vault, an agent that
/// hands out keys). The exchange owns the returned key and disposes it when it ends.
/// </summary>
public interface IKeyAuthKeySource
{
    /// <summary>Fetches the key of <see cref="KeyAuthKeyRequest.Context"/>'s user for its factor.</summary>
    /// <param name="request">Who and which factor; in multi-round mode, the keys the server accepts.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>An <see cref="ECDsa"/> (P-256 or P-384) or <see cref="RSA"/> key with its private part; ownership passes to the caller.</returns>
    /// <exception cref="HandshakeException">The key cannot be had (<see cref="AuthErrorCode.KeyUnavailable"/>); any other exception is reported as that code too.</exception>
    ValueTask<AsymmetricAlgorithm> GetKeyAsync(KeyAuthKeyRequest request, CancellationToken cancellationToken);
}
