using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.CachingSha2.Internal;
using Microsoft.Extensions.Options;

namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// The server side of <c>caching_sha2_password</c>: a fast path against the in-memory
/// <see cref="ICachingSha2PasswordCache"/>, else full authentication with the password received
/// over TLS or a trusted local socket, or RSA-OAEP encrypted to the server's key; the password is
/// checked against the stored form (<see cref="CachingSha2Credential"/>) and then cached.
/// </summary>
/// <remarks>
/// The RSA key pair comes from <see cref="CachingSha2VerifierOptions.PrivateKeyPem"/>; without it a
/// 2048-bit pair is generated when the verifier is created (once per container). It checks a
/// server-stored password, so under MySQL's multi-factor rules it may only be factor 1.
/// </remarks>
public sealed class CachingSha2Verifier : IAuthVerifier, IDisposable
{
    private readonly RSA _key;

    /// <summary>Creates the verifier under its wire name, <see cref="CachingSha2PluginNames.CachingSha2Password"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="cache">The fast-auth cache (a singleton, or a fleet's shared one).</param>
    /// <param name="secrets">The server secret options (the unknown-user key; whether secrets must be shared).</param>
    /// <param name="secretProvider">Where shared secrets come from when no option or file gives them, or null.</param>
    public CachingSha2Verifier(IOptions<CachingSha2VerifierOptions> options, ICachingSha2PasswordCache cache, IOptions<ServerSecretOptions> secrets, IServerSecretProvider? secretProvider = null)
        : this(CachingSha2PluginNames.CachingSha2Password, (options ?? throw new ArgumentNullException(nameof(options))).Value, cache, secrets, secretProvider)
    {
    }

    /// <summary>
    /// Creates the verifier under <paramref name="name"/>, with the options of that name as they are
    /// now: its RSA key pair and unknown-user credential are made once, here.
    /// </summary>
    /// <param name="name">The verifier name, also the name of its options.</param>
    /// <param name="options">The options monitor.</param>
    /// <param name="cache">The fast-auth cache (a singleton, or a fleet's shared one).</param>
    /// <param name="secrets">The server secret options (the unknown-user key; whether secrets must be shared).</param>
    /// <param name="secretProvider">Where shared secrets come from when no option or file gives them, or null.</param>
    internal CachingSha2Verifier(string name, IOptionsMonitor<CachingSha2VerifierOptions> options, ICachingSha2PasswordCache cache, IOptions<ServerSecretOptions> secrets, IServerSecretProvider? secretProvider)
        : this(name, (options ?? throw new ArgumentNullException(nameof(options))).Get(name), cache, secrets, secretProvider)
    {
    }

    private CachingSha2Verifier(string name, CachingSha2VerifierOptions value, ICachingSha2PasswordCache cache, IOptions<ServerSecretOptions> secrets, IServerSecretProvider? secretProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(secrets);
        Name = name;
        Cache = cache;
        var pem = ServerSecrets.LoadText(value.PrivateKeyPem, value.PrivateKeyPemFile, secretProvider, CachingSha2VerifierOptions.PrivateKeySecretName);
        if (string.IsNullOrEmpty(pem))
        {
            if (secrets.Value.RequireSharedSecrets)
            {
                throw ServerSecrets.NotShared(CachingSha2VerifierOptions.PrivateKeySecretName, "CachingSha2VerifierOptions.PrivateKeyPem or PrivateKeyPemFile (`handshake serve --rsa-key-file`)");
            }

            _key = RSA.Create(RsaPasswordCipher.MinKeySizeBits);
            IsKeyGenerated = true;
        }
        else
        {
            _key = RsaPasswordCipher.TryImport(pem)
                ?? throw new OptionsValidationException(nameof(CachingSha2VerifierOptions), typeof(CachingSha2VerifierOptions), ["The caching_sha2_password RSA private key (CachingSha2VerifierOptions.PrivateKeyPem, PrivateKeyPemFile or the secret provider) is not an RSA key of at least 2048 bits in PEM."]);
        }

        PublicKeyPem = _key.ExportSubjectPublicKeyInfoPem();
        PublicKeyPemBytes = Encoding.ASCII.GetBytes(PublicKeyPem);

        // An unknown user is checked against a fake credential with the iteration count real ones
        // have (the full-authentication reply then takes as long); its password derives from the
        // unknown-user key, so every instance holds the same one.
        var unknownUserKey = ServerSecrets.LoadUnknownUserKey(secrets.Value, secretProvider);
        var fakePassword = ServerSecrets.DeriveForUnknownUser(unknownUserKey, "caching_sha2_password credential", string.Empty);
        UnknownUserCredential = CachingSha2Credential.FromPassword(Convert.ToBase64String(fakePassword), iterations: value.UnknownUserIterations);
        CryptographicOperations.ZeroMemory(fakePassword);
        CryptographicOperations.ZeroMemory(unknownUserKey);
        UnknownUserStoredValue = UnknownUserCredential.Format();
        UnknownUserDoubleHash = RandomNumberGenerator.GetBytes(32);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool UsesServerStoredPassword => true;

    /// <summary>Gets the server's RSA public key in PEM (what a client fetches with <c>0x02</c>, and what to give clients to pin).</summary>
    public string PublicKeyPem { get; }

    /// <summary>Gets a value indicating whether the key pair was generated because none was configured.</summary>
    public bool IsKeyGenerated { get; }

    internal ICachingSha2PasswordCache Cache { get; }

    internal ReadOnlyMemory<byte> PublicKeyPemBytes { get; }

    internal RSA Key => _key;

    internal CachingSha2Credential UnknownUserCredential { get; }

    /// <summary>Gets the stored form of <see cref="UnknownUserCredential"/>: parsed and fingerprinted for an unknown user as a real user's is.</summary>
    internal string UnknownUserStoredValue { get; }

    /// <summary>Gets the stand-in cache entry the fast check runs against on a miss (random: no response matches it).</summary>
    internal byte[] UnknownUserDoubleHash { get; }

    /// <summary>Gets or sets the fast path's SHA-256 (a test seam that counts the work).</summary>
    internal ICachingSha2Hasher Hasher { get; set; } = CachingSha2Hasher.Instance;

    /// <inheritdoc />
    public IVerifierExchange Start(VerifierContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CachingSha2VerifierExchange(this, context);
    }

    /// <summary>Releases the RSA key.</summary>
    public void Dispose() => _key.Dispose();
}
