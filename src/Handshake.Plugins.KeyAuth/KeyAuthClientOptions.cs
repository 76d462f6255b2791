namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// Where a key auth client gets its signature. Set exactly one of <see cref="PrivateKeyPem"/>,
/// <see cref="KeySource"/> or <see cref="Signer"/>.
/// </summary>
public sealed class KeyAuthClientOptions
{
    /// <summary>
    /// Gets or sets a private key in PEM: PKCS#8 <c>PRIVATE KEY</c>, or <c>ENCRYPTED PRIVATE KEY</c>
    /// unlocked with the secret of the factor the plugin runs as (its password slot, as mysql2
    /// passes the password to the plugin). SEC1 <c>EC PRIVATE KEY</c> and PKCS#1
    /// <c>RSA PRIVATE KEY</c> are read too. The key is imported per exchange and disposed when the exchange ends.
    /// </summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>Gets or sets an asynchronous key source (a file, a vault, an agent handing out keys).</summary>
    public IKeyAuthKeySource? KeySource { get; set; }

    /// <summary>Gets or sets a remote signer: the private key never enters this process.</summary>
    public IKeyAuthSigner? Signer { get; set; }

    /// <summary>Gets or sets the smallest RSA key, in bits, this client signs with; smaller keys fail with <see cref="AuthErrorCode.PolicyViolation"/>. Default 2048.</summary>
    public int MinimumRsaKeySize { get; set; } = 2048;
}
