namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// Signs on the client's behalf so the private key never enters this process (an SSH agent, an
/// HSM, a cloud KMS, a smart card). It must use a key and algorithm the server knows.
/// </summary>
public interface IKeyAuthSigner
{
    /// <summary>Signs <see cref="KeyAuthSigningRequest.DataToSign"/>.</summary>
    /// <param name="request">The bytes to sign and for whom.</param>
    /// <param name="cancellationToken">Cancels the signing.</param>
    /// <returns>The signature with its key fingerprint and algorithm.</returns>
    ValueTask<KeyAuthSignature> SignAsync(KeyAuthSigningRequest request, CancellationToken cancellationToken);
}
