namespace Handshake.Plugins.CachingSha2;

/// <summary>Server options for <c>caching_sha2_password</c>. Validated at start-up.</summary>
public sealed class CachingSha2VerifierOptions
{
    /// <summary>The name of the RSA private key (PEM) in an <see cref="IServerSecretProvider"/>.</summary>
    public const string PrivateKeySecretName = "caching-sha2-rsa-private-key";

    /// <summary>
    /// Gets or sets the server's RSA private key in PEM (PKCS#1 or PKCS#8), at least 2048 bits, for
    /// full authentication over a plain transport. When null, the verifier generates a 2048-bit key
    /// pair when it is created; clients then cannot pin the key across restarts and must fetch it
    /// (their <c>AllowPublicKeyRetrieval</c>) or use TLS.
    /// </summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>
    /// Gets or sets a PEM file holding the RSA private key, read when the verifier is created; used when
    /// <see cref="PrivateKeyPem"/> is not set. Without either, an <see cref="IServerSecretProvider"/>'s
    /// secret <see cref="PrivateKeySecretName"/> is used; without that, a key pair is generated, which a
    /// shared store forbids (<see cref="ServerSecretOptions.RequireSharedSecrets"/>): every instance of a
    /// fleet must present the same public key, or a client that pinned it fails on the next instance.
    /// </summary>
    public string? PrivateKeyPemFile { get; set; }

    /// <summary>Gets or sets how many users the fast-auth cache holds before it evicts the least recently used. Default 10 000.</summary>
    public int CacheCapacity { get; set; } = 10_000;

    /// <summary>Gets or sets the PBKDF2 iteration count of the fake stored credential an unknown user is checked against; match your users'. Default <see cref="CachingSha2Credential.DefaultIterations"/>.</summary>
    public int UnknownUserIterations { get; set; } = CachingSha2Credential.DefaultIterations;
}
