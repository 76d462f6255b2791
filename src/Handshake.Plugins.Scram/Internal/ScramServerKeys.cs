using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// A stored SCRAM credential as the verifier uses it, prepared once when it is loaded: the HMAC pad
/// states of StoredKey and ServerKey (so a verify costs the AuthMessage's compressions and no key
/// setup) and the server-first message's fixed tail <c>,s=&lt;salt&gt;,i=&lt;iterations&gt;</c>.
/// </summary>
/// <remarks>
/// Prepared keys live as long as the <see cref="StoredCredential"/> they were read from (a weak
/// table keyed by that instance), which already holds the same secrets as text.
/// </remarks>
internal sealed class ScramServerKeys
{
    private static readonly ConditionalWeakTable<StoredCredential, ScramServerKeys> Loaded = [];
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ScramHash, ScramServerKeys> Fakes = new();

    private ScramServerKeys(ScramHash hash, byte[] storedKey, ReadOnlySpan<byte> serverKey, byte[] saltAndIterations, ScramCredential? credential = null)
    {
        Hash = hash;
        Credential = credential;
        StoredKey = storedKey;
        StoredKeyMac = hash.Digest.CreateHmacKey(storedKey);
        ServerKeyMac = hash.Digest.CreateHmacKey(serverKey);
        SaltAndIterations = saltAndIterations;
    }

    /// <summary>Gets the family these keys belong to.</summary>
    public ScramHash Hash { get; }

    /// <summary>Gets the stored credential these keys were prepared from (its ServerKey, salt and iteration count for a pass-through key); null for the unknown-user keys.</summary>
    public ScramCredential? Credential { get; }

    /// <summary>Gets StoredKey = H(ClientKey).</summary>
    public byte[] StoredKey { get; }

    /// <summary>Gets HMAC(StoredKey, ·) with its pad states precomputed.</summary>
    public HmacKey StoredKeyMac { get; }

    /// <summary>Gets HMAC(ServerKey, ·) with its pad states precomputed.</summary>
    public HmacKey ServerKeyMac { get; }

    /// <summary>Gets <c>,s=&lt;base64 salt&gt;,i=&lt;iterations&gt;</c>, the part of server-first after the nonce (RFC 5802 §7).</summary>
    public byte[] SaltAndIterations { get; }

    /// <summary>The prepared form of a stored credential, parsed and prepared on its first use only.</summary>
    /// <exception cref="HandshakeException">The stored text is malformed.</exception>
    /// <param name="stored">The stored credential.</param>
    /// <param name="hash">The family of the verifier reading it; a credential of another family is malformed for it.</param>
    public static ScramServerKeys Load(StoredCredential stored, ScramHash hash)
    {
        var keys = Loaded.GetValue(stored, static s => FromCredential(ScramCredential.Parse(s.Value)));
        return keys.Hash == hash
            ? keys
            : throw new HandshakeException(AuthErrorCode.InvalidStoredCredential, $"The stored credential is for {keys.Hash.MechanismName}, but the {hash.MechanismName} verifier read it; store a {hash.MechanismName} credential for this factor.", hash.MechanismName);
    }

    /// <summary>
    /// Keys for unknown users, made once per process: random, so no proof matches them, and prepared
    /// like a real user's, so a verify against them does the same work. The salt tail is the caller's
    /// (it is per user name); this one is empty.
    /// </summary>
    public static ScramServerKeys CreateFake(ScramHash hash)
    {
        Span<byte> serverKey = stackalloc byte[hash.Length];
        RandomNumberGenerator.Fill(serverKey);
        var keys = new ScramServerKeys(hash, RandomNumberGenerator.GetBytes(hash.Length), serverKey, []);
        CryptographicOperations.ZeroMemory(serverKey);
        return keys;
    }

    /// <summary>Gets the process's keys for unknown users of a family.</summary>
    /// <param name="hash">The family.</param>
    /// <returns>The keys.</returns>
    public static ScramServerKeys FakeFor(ScramHash hash) => Fakes.GetOrAdd(hash, CreateFake);

    /// <summary>The server-first tail for a salt and iteration count.</summary>
    public static byte[] FormatSaltAndIterations(ReadOnlySpan<byte> salt, int iterations) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $",s={Convert.ToBase64String(salt)},i={iterations}"));

    private static ScramServerKeys FromCredential(ScramCredential credential) =>
        new(credential.Hash, credential.StoredKey.ToArray(), credential.ServerKey.Span, FormatSaltAndIterations(credential.Salt.Span, credential.Iterations), credential);
}
