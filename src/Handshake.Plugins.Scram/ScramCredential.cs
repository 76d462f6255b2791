using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.Scram.Internal;

namespace Handshake.Plugins.Scram;

/// <summary>
/// A SCRAM credential as a server stores it, in PostgreSQL's format (<c>pg_authid.rolpassword</c>):
/// <c>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>, each binary field in
/// base64; the same form with <c>SCRAM-SHA-1$</c> or <c>SCRAM-SHA-512$</c> for those families. The
/// server needs nothing else: no password, no SaltedPassword.
/// </summary>
/// <remarks>ServerKey lets whoever holds it impersonate the server, so <see cref="ToString"/> never shows it.</remarks>
public sealed class ScramCredential
{
    /// <summary>The prefix of the stored form of SCRAM-SHA-256 (PostgreSQL's); other families use their name and <c>$</c>.</summary>
    public const string Prefix = "SCRAM-SHA-256$";

    /// <summary>The salt length <see cref="Create(string, IRandomSource, int)"/> uses (PostgreSQL's SCRAM_DEFAULT_SALT_LEN).</summary>
    public const int DefaultSaltLength = 16;

    private const int MaxStoredLength = 1024;
    private readonly byte[] _salt;
    private readonly byte[] _storedKey;
    private readonly byte[] _serverKey;

    private ScramCredential(ScramHash hash, int iterations, byte[] salt, byte[] storedKey, byte[] serverKey)
    {
        Hash = hash;
        Iterations = iterations;
        _salt = salt;
        _storedKey = storedKey;
        _serverKey = serverKey;
    }

    /// <summary>Gets the family (<see cref="ScramPluginNames.ScramSha1"/>, <see cref="ScramPluginNames.ScramSha256"/> or <see cref="ScramPluginNames.ScramSha512"/>).</summary>
    public string Mechanism => Hash.MechanismName;

    /// <summary>Gets the family's hash.</summary>
    internal ScramHash Hash { get; }

    /// <summary>Gets the PBKDF2 iteration count.</summary>
    public int Iterations { get; }

    /// <summary>Gets the salt.</summary>
    public ReadOnlyMemory<byte> Salt => _salt;

    /// <summary>Gets StoredKey = H(ClientKey).</summary>
    public ReadOnlyMemory<byte> StoredKey => _storedKey;

    /// <summary>Gets ServerKey = HMAC(SaltedPassword, "Server Key"). A secret: it proves the server's identity.</summary>
    public ReadOnlyMemory<byte> ServerKey => _serverKey;

    /// <summary>Parses PostgreSQL's stored form.</summary>
    /// <param name="value">The stored text.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.InvalidStoredCredential"/> when the text is malformed (the message never echoes it).</exception>
    public static ScramCredential Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var credential, out var problem)
            ? credential
            : throw new HandshakeException(AuthErrorCode.InvalidStoredCredential, $"The stored SCRAM credential is malformed: {problem}. Expected SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey> (or SCRAM-SHA-1$, SCRAM-SHA-512$).", ScramHash.Sha256.MechanismName);
    }

    /// <summary>Tries to parse PostgreSQL's stored form.</summary>
    /// <param name="value">The stored text.</param>
    /// <param name="credential">The credential, when the text is well formed.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScramCredential? credential) =>
        TryParse(value, out credential, out _);

    /// <summary>Creates a credential for a password with a fresh random 16-byte salt.</summary>
    /// <param name="password">The password (SASLprep is applied as PostgreSQL applies it).</param>
    /// <param name="random">Where the salt comes from.</param>
    /// <param name="iterations">The PBKDF2 iteration count, at least 1 (PostgreSQL defaults to 4096).</param>
    /// <returns>The credential.</returns>
    public static ScramCredential Create(string password, IRandomSource random, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(random);
        var salt = new byte[DefaultSaltLength];
        random.Fill(salt);
        return Create(password, salt, iterations);
    }

    /// <summary>Creates a credential of a SCRAM family for a password with a fresh random 16-byte salt.</summary>
    /// <param name="password">The password (SASLprep is applied).</param>
    /// <param name="random">Where the salt comes from.</param>
    /// <param name="iterations">The PBKDF2 iteration count, at least 1.</param>
    /// <param name="mechanism">The family: <see cref="ScramPluginNames.ScramSha1"/>, <see cref="ScramPluginNames.ScramSha256"/> or <see cref="ScramPluginNames.ScramSha512"/>.</param>
    /// <returns>The credential.</returns>
    public static ScramCredential Create(string password, IRandomSource random, int iterations, string mechanism)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(random);
        var salt = new byte[DefaultSaltLength];
        random.Fill(salt);
        return Create(password, salt, iterations, mechanism);
    }

    /// <summary>
    /// Creates a credential for a password with a fresh random 16-byte salt, running PBKDF2 under a slot of
    /// <paramref name="keyDerivation"/>: a server that creates credentials under load (sign-ups, password
    /// changes, a migration) queues them instead of occupying every thread-pool thread.
    /// </summary>
    /// <param name="password">The password (SASLprep is applied as PostgreSQL applies it).</param>
    /// <param name="random">Where the salt comes from.</param>
    /// <param name="iterations">The PBKDF2 iteration count, at least 1 (PostgreSQL defaults to 4096).</param>
    /// <param name="keyDerivation">The process's limiter (the engine registers one as <see cref="IKeyDerivationLimiter"/>).</param>
    /// <param name="cancellationToken">Cancels the wait for a slot; a cancelled request never derives.</param>
    /// <returns>The credential.</returns>
    public static async ValueTask<ScramCredential> CreateAsync(string password, IRandomSource random, int iterations, IKeyDerivationLimiter keyDerivation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(keyDerivation);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        using (await keyDerivation.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            return Create(password, random, iterations);
        }
    }

    /// <summary>Creates a credential for a password with a given salt: deterministic, equal to PostgreSQL's for the same inputs.</summary>
    /// <param name="password">The password (SASLprep is applied as PostgreSQL applies it).</param>
    /// <param name="salt">The salt; must not be empty.</param>
    /// <param name="iterations">The PBKDF2 iteration count, at least 1.</param>
    /// <returns>The credential.</returns>
    public static ScramCredential Create(string password, ReadOnlySpan<byte> salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var utf8 = Encoding.UTF8.GetBytes(password);
        try
        {
            return CreateFromUtf8(utf8, salt, iterations);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>Creates a credential from a password's UTF-8 bytes with a given salt.</summary>
    /// <param name="utf8Password">The password's UTF-8 bytes.</param>
    /// <param name="salt">The salt; must not be empty.</param>
    /// <param name="iterations">The PBKDF2 iteration count, at least 1.</param>
    /// <returns>The credential.</returns>
    public static ScramCredential CreateFromUtf8(ReadOnlySpan<byte> utf8Password, ReadOnlySpan<byte> salt, int iterations) =>
        CreateFromUtf8(utf8Password, salt, iterations, ScramPluginNames.ScramSha256);

    /// <summary>Creates a credential of a SCRAM family for a password with a given salt.</summary>
    /// <param name="password">The password (SASLprep is applied).</param>
    /// <param name="salt">The salt; must not be empty.</param>
    /// <param name="iterations">The PBKDF2 iteration count, at least 1.</param>
    /// <param name="mechanism">The family: <see cref="ScramPluginNames.ScramSha1"/>, <see cref="ScramPluginNames.ScramSha256"/> or <see cref="ScramPluginNames.ScramSha512"/>.</param>
    /// <returns>The credential.</returns>
    public static ScramCredential Create(string password, ReadOnlySpan<byte> salt, int iterations, string mechanism)
    {
        ArgumentNullException.ThrowIfNull(password);
        var utf8 = Encoding.UTF8.GetBytes(password);
        try
        {
            return CreateFromUtf8(utf8, salt, iterations, mechanism);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>Creates a credential of a SCRAM family from a password's UTF-8 bytes with a given salt.</summary>
    /// <param name="utf8Password">The password's UTF-8 bytes.</param>
    /// <param name="salt">The salt; must not be empty.</param>
    /// <param name="iterations">The PBKDF2 iteration count, at least 1.</param>
    /// <param name="mechanism">The family: <see cref="ScramPluginNames.ScramSha1"/>, <see cref="ScramPluginNames.ScramSha256"/> or <see cref="ScramPluginNames.ScramSha512"/>.</param>
    /// <returns>The credential.</returns>
    public static ScramCredential CreateFromUtf8(ReadOnlySpan<byte> utf8Password, ReadOnlySpan<byte> salt, int iterations, string mechanism)
    {
        var hash = ScramHash.ForName(mechanism) is { } h && string.Equals(h.MechanismName, mechanism, StringComparison.Ordinal)
            ? h
            : throw new ArgumentException($"'{PeerText.Printable(mechanism, 40)}' is not a SCRAM family; use {ScramPluginNames.ScramSha1}, {ScramPluginNames.ScramSha256} or {ScramPluginNames.ScramSha512}.", nameof(mechanism));
        if (salt.IsEmpty)
        {
            throw new ArgumentException("The salt must not be empty.", nameof(salt));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var prepared = SaslPrep.PreparePassword(utf8Password);
        Span<byte> clientKey = stackalloc byte[hash.Length];
        var serverKey = new byte[hash.Length];
        var storedKey = new byte[hash.Length];
        try
        {
            ScramKeys.Derive(hash, Pbkdf2ScramKeyDeriver.Instance, prepared, salt, iterations, clientKey, serverKey);
            hash.Hash(clientKey, storedKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prepared);
            CryptographicOperations.ZeroMemory(clientKey);
        }

        return new ScramCredential(hash, iterations, salt.ToArray(), storedKey, serverKey);
    }

    /// <summary>Formats PostgreSQL's stored form. The result contains ServerKey: store it as a secret.</summary>
    /// <returns>The stored text.</returns>
    public string Format() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Hash.StoredPrefix}{Iterations}:{Convert.ToBase64String(_salt)}${Convert.ToBase64String(_storedKey)}:{Convert.ToBase64String(_serverKey)}");

    /// <summary>Wraps <see cref="Format"/> as a <see cref="Handshake.StoredCredential"/> for a credential store.</summary>
    /// <returns>The stored credential.</returns>
    public StoredCredential ToStoredCredential() => StoredCredential.FromString(Format());

    /// <summary>Shows the iteration count only.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ScramCredential({Mechanism}, i={Iterations}, redacted)");

    private static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScramCredential? credential, out string problem)
    {
        credential = null;
        var hash = value is null ? null : ScramHash.All.FirstOrDefault(h => value.StartsWith(h.StoredPrefix, StringComparison.Ordinal));
        if (value is null || hash is null)
        {
            problem = "it does not start with SCRAM-SHA-256$ (or SCRAM-SHA-1$, SCRAM-SHA-512$)";
            return false;
        }

        if (value.Length > MaxStoredLength || !Ascii.IsValid(value))
        {
            problem = "it is too long or not ASCII";
            return false;
        }

        var bytes = Encoding.ASCII.GetBytes(value, hash.StoredPrefix.Length, value.Length - hash.StoredPrefix.Length);
        ReadOnlySpan<byte> rest = bytes;
        var dollar = rest.IndexOf((byte)'$');
        if (dollar < 0)
        {
            problem = "the '$' between the salt and the keys is missing";
            return false;
        }

        var head = rest[..dollar];
        var keys = rest[(dollar + 1)..];
        var colon = head.IndexOf((byte)':');
        var keyColon = keys.IndexOf((byte)':');
        if (colon < 0 || keyColon < 0)
        {
            problem = "a ':' separator is missing";
            return false;
        }

        if (ScramText.ParseCount(head[..colon]) is not { } iterations || iterations < 1)
        {
            problem = "the iteration count is not a positive number";
            return false;
        }

        var salt = ScramText.DecodeBase64(head[(colon + 1)..]);
        var storedKey = ScramText.DecodeBase64(keys[..keyColon]);
        var serverKey = ScramText.DecodeBase64(keys[(keyColon + 1)..]);
        if (salt is null || salt.Length == 0)
        {
            problem = "the salt is not valid non-empty base64";
            return false;
        }

        if (storedKey is null || storedKey.Length != hash.Length || serverKey is null || serverKey.Length != hash.Length)
        {
            problem = $"StoredKey or ServerKey is not base64 of {hash.Length} bytes";
            return false;
        }

        credential = new ScramCredential(hash, iterations, salt, storedKey, serverKey);
        problem = string.Empty;
        return true;
    }
}
