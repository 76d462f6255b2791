using System.Globalization;
using System.Security.Cryptography;

namespace Handshake;

/// <summary>
/// A key recovered by a server verifier from a verified login, with which a proxy or pooler can log in
/// to a backend as the same user without knowing the password (what PgBouncer, ProxySQL and
/// PostgreSQL 18's <c>postgres_fdw</c> do): for SCRAM the ClientKey (ClientProof XOR ClientSignature,
/// RFC 5802 §3) with the ServerKey, salt and iteration count of the stored verifier it verified
/// against; for mysql_native_password SHA1(password) (response XOR SHA1(scramble || SHA1(SHA1(password)))).
/// </summary>
/// <remarks>
/// Whoever holds it can log in as the user to any server that keeps the same verifier: keep it in
/// memory for the connection's lifetime only, and dispose it (which zeroes the bytes) as soon as the
/// backend login is done. It never prints its bytes, and no exception it throws shows them. Hand it to a
/// client plugin with <see cref="AuthSecret.FromPassThrough"/>.
/// </remarks>
public sealed class PassThroughCredential : IDisposable
{
    private readonly byte[] _key;
    private readonly byte[] _serverKey;
    private readonly byte[] _salt;
    private bool _disposed;

    private PassThroughCredential(string mechanism, string userName, HashAlgorithmName hashAlgorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> serverKey, ReadOnlySpan<byte> salt, int iterations)
    {
        Mechanism = mechanism;
        UserName = userName;
        HashAlgorithm = hashAlgorithm;
        _key = Pinned(key);
        _serverKey = Pinned(serverKey);
        _salt = salt.ToArray();
        Iterations = iterations;
    }

    /// <summary>Gets the mechanism family the key belongs to ("SCRAM-SHA-256", "mysql_native_password", ...); a -PLUS variant runs with its family's key.</summary>
    public string Mechanism { get; }

    /// <summary>Gets the user the key was recovered for.</summary>
    public string UserName { get; }

    /// <summary>Gets the hash the mechanism is defined over (SHA-256 for SCRAM-SHA-256, SHA-1 for mysql_native_password).</summary>
    public HashAlgorithmName HashAlgorithm { get; }

    /// <summary>Gets a value indicating whether <see cref="Dispose"/> has zeroed the bytes.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Gets the key: SCRAM's ClientKey, or mysql_native_password's SHA1(password). Valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The credential was disposed.</exception>
    public ReadOnlySpan<byte> Key
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    /// <summary>Gets SCRAM's ServerKey (with which the client checks the backend's signature); empty for a mechanism without one.</summary>
    /// <exception cref="ObjectDisposedException">The credential was disposed.</exception>
    public ReadOnlySpan<byte> ServerKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _serverKey;
        }
    }

    /// <summary>Gets the salt of the SCRAM verifier the key belongs to (not a secret); empty for a mechanism without one.</summary>
    public ReadOnlySpan<byte> Salt => _salt;

    /// <summary>Gets the iteration count of the SCRAM verifier the key belongs to; 0 for a mechanism without one.</summary>
    public int Iterations { get; }

    /// <summary>Creates a SCRAM pass-through credential.</summary>
    /// <param name="mechanism">The family (e.g. "SCRAM-SHA-256", never the -PLUS name).</param>
    /// <param name="userName">The user.</param>
    /// <param name="hashAlgorithm">The family's hash.</param>
    /// <param name="clientKey">ClientKey; copied.</param>
    /// <param name="serverKey">ServerKey; copied.</param>
    /// <param name="salt">The verifier's salt; copied.</param>
    /// <param name="iterations">The verifier's iteration count.</param>
    /// <returns>The credential.</returns>
    public static PassThroughCredential ForScram(string mechanism, string userName, HashAlgorithmName hashAlgorithm, ReadOnlySpan<byte> clientKey, ReadOnlySpan<byte> serverKey, ReadOnlySpan<byte> salt, int iterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(mechanism);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentException.ThrowIfNullOrEmpty(hashAlgorithm.Name, nameof(hashAlgorithm));
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (clientKey.IsEmpty || clientKey.Length != serverKey.Length)
        {
            throw new ArgumentException("ClientKey and ServerKey must be non-empty and of the hash's length.", nameof(clientKey));
        }

        if (salt.IsEmpty)
        {
            throw new ArgumentException("A SCRAM verifier has a non-empty salt.", nameof(salt));
        }

        return new PassThroughCredential(mechanism, userName, hashAlgorithm, clientKey, serverKey, salt, iterations);
    }

    /// <summary>Creates a pass-through credential that is a single key (mysql_native_password's SHA1(password)).</summary>
    /// <param name="mechanism">The mechanism (e.g. "mysql_native_password").</param>
    /// <param name="userName">The user.</param>
    /// <param name="hashAlgorithm">The hash the key was made with.</param>
    /// <param name="key">The key; copied.</param>
    /// <returns>The credential.</returns>
    public static PassThroughCredential ForKey(string mechanism, string userName, HashAlgorithmName hashAlgorithm, ReadOnlySpan<byte> key)
    {
        ArgumentException.ThrowIfNullOrEmpty(mechanism);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentException.ThrowIfNullOrEmpty(hashAlgorithm.Name, nameof(hashAlgorithm));
        if (key.IsEmpty)
        {
            throw new ArgumentException("The key is empty.", nameof(key));
        }

        return new PassThroughCredential(mechanism, userName, hashAlgorithm, key, [], [], 0);
    }

    /// <summary>
    /// Whether a client plugin or mechanism may use this key: its own mechanism, or that mechanism's
    /// channel-binding variant (the GS2 "-PLUS" name, RFC 5056 / RFC 5802 §4), compared ordinally.
    /// </summary>
    /// <param name="pluginName">The plugin or mechanism name.</param>
    /// <returns>Whether the key belongs to it.</returns>
    public bool IsFor(string pluginName)
    {
        ArgumentNullException.ThrowIfNull(pluginName);
        return string.Equals(pluginName, Mechanism, StringComparison.Ordinal)
            || (pluginName.Length == Mechanism.Length + 5 && pluginName.StartsWith(Mechanism, StringComparison.Ordinal) && pluginName.EndsWith("-PLUS", StringComparison.Ordinal));
    }

    /// <summary>Copies the credential (an independent copy, disposed on its own).</summary>
    /// <returns>The copy.</returns>
    /// <exception cref="ObjectDisposedException">The credential was disposed.</exception>
    public PassThroughCredential Clone()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new PassThroughCredential(Mechanism, UserName, HashAlgorithm, _key, _serverKey, _salt, Iterations);
    }

    /// <summary>Zeroes the keys. Later reads of <see cref="Key"/> and <see cref="ServerKey"/> throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_key);
            CryptographicOperations.ZeroMemory(_serverKey);
            _disposed = true;
        }
    }

    /// <summary>Names the mechanism and user, never a key.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"PassThroughCredential({Mechanism}, user={UserName}{(Iterations > 0 ? $", i={Iterations}" : string.Empty)}, {(_disposed ? "wiped" : "redacted")})");

    private static byte[] Pinned(ReadOnlySpan<byte> source)
    {
        var bytes = GC.AllocateArray<byte>(source.Length, pinned: true);
        source.CopyTo(bytes);
        return bytes;
    }
}
