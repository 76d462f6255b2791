using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.CachingSha2;
using Handshake.Stores.PostgreSql.Internal;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Handshake.Stores.PostgreSql;

/// <summary>
/// <see cref="ICachingSha2PasswordCache"/> in PostgreSQL, so a fast-path login works on every server
/// after a full one on any. An entry is password-equivalent for the fast path, so the database never
/// holds it in the clear: it is sealed with AES-256-GCM under a key derived (HKDF-SHA-256) from the
/// server's unknown-user key (<see cref="ServerSecretOptions.UnknownUserKey"/>, which a fleet shares
/// anyway), bound to the user name and the stored credential's fingerprint. A database dump or a
/// replica alone reveals no digest; an entry recorded under another credential, or tampered with,
/// is a miss.
/// </summary>
public sealed class PostgreSqlCachingSha2PasswordCache : ICachingSha2PasswordCache, IDisposable
{
    private const int DigestLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private static readonly byte[] KeyInfo = Encoding.ASCII.GetBytes("Handshake caching_sha2_password fast-path cache v1");
    private readonly PostgreSqlStoreContext _context;
    private readonly string _table;
    private readonly AesGcm _aead;

    /// <summary>Creates the cache.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="options">The store options.</param>
    /// <param name="secrets">The server secret options (the unknown-user key the sealing key derives from).</param>
    /// <param name="secretProvider">Where the unknown-user key comes from when no option or file gives it, or null.</param>
    public PostgreSqlCachingSha2PasswordCache(NpgsqlDataSource dataSource, IOptions<PostgreSqlStoreOptions> options, IOptions<ServerSecretOptions> secrets, IServerSecretProvider? secretProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        _context = new PostgreSqlStoreContext(dataSource, options.Value);
        _table = _context.Table("caching_sha2_cache");

        // A generated key would seal entries no other server can open: a shared cache needs the shared key.
        var shared = new ServerSecretOptions { UnknownUserKey = secrets.Value.UnknownUserKey, UnknownUserKeyFile = secrets.Value.UnknownUserKeyFile, RequireSharedSecrets = true };
        var root = ServerSecrets.LoadUnknownUserKey(shared, secretProvider);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, root, 32, salt: [], info: KeyInfo);
        _aead = new AesGcm(key, TagLength);
        CryptographicOperations.ZeroMemory(root);
        CryptographicOperations.ZeroMemory(key);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryGetAsync(string userName, string storedValue, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(storedValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, DigestLength, nameof(destination));
        byte[] fingerprint, nonce, sealedEntry;
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command($"SELECT credential_fingerprint, nonce, sealed FROM {_table} WHERE user_name = @user;", connection);
            _ = command.Parameters.AddWithValue("user", userName);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            fingerprint = await reader.GetFieldValueAsync<byte[]>(0, cancellationToken).ConfigureAwait(false);
            nonce = await reader.GetFieldValueAsync<byte[]>(1, cancellationToken).ConfigureAwait(false);
            sealedEntry = await reader.GetFieldValueAsync<byte[]>(2, cancellationToken).ConfigureAwait(false);
        }

        var expected = Fingerprint(storedValue);
        if (!CryptographicOperations.FixedTimeEquals(fingerprint, expected) || nonce.Length != NonceLength || sealedEntry.Length != DigestLength + TagLength)
        {
            return false;
        }

        var plain = GC.AllocateArray<byte>(DigestLength, pinned: true);
        try
        {
            _aead.Decrypt(nonce, sealedEntry.AsSpan(0, DigestLength), sealedEntry.AsSpan(DigestLength), plain, AssociatedData(userName, expected));
            plain.CopyTo(destination.Span);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string userName, string storedValue, ReadOnlyMemory<byte> doubleHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(storedValue);
        if (doubleHash.Length != DigestLength)
        {
            throw new ArgumentException($"The digest must be {DigestLength} bytes.", nameof(doubleHash));
        }

        var fingerprint = Fingerprint(storedValue);
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var sealedEntry = new byte[DigestLength + TagLength];
        _aead.Encrypt(nonce, doubleHash.Span, sealedEntry.AsSpan(0, DigestLength), sealedEntry.AsSpan(DigestLength), AssociatedData(userName, fingerprint));
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One upsert: a concurrent writer's entry replaces this one whole, or this one replaces it.
            using var command = Sql.Command(
                $"""
                INSERT INTO {_table} (user_name, credential_fingerprint, nonce, sealed, recorded_at) VALUES (@user, @fp, @nonce, @sealed, now())
                ON CONFLICT (user_name) DO UPDATE SET credential_fingerprint = EXCLUDED.credential_fingerprint, nonce = EXCLUDED.nonce, sealed = EXCLUDED.sealed, recorded_at = EXCLUDED.recorded_at;
                """,
                connection);
            _ = command.Parameters.AddWithValue("user", userName);
            _ = command.Parameters.AddWithValue("fp", fingerprint);
            _ = command.Parameters.AddWithValue("nonce", nonce);
            _ = command.Parameters.AddWithValue("sealed", sealedEntry);
            _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command($"DELETE FROM {_table} WHERE user_name = @user;", connection);
            _ = command.Parameters.AddWithValue("user", userName);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command($"DELETE FROM {_table};", connection);
            _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the sealing key.</summary>
    public void Dispose() => _aead.Dispose();

    private static byte[] Fingerprint(string storedValue) => SHA256.HashData(Encoding.UTF8.GetBytes(storedValue));

    private static byte[] AssociatedData(string userName, byte[] fingerprint) => [.. fingerprint, .. Encoding.UTF8.GetBytes(userName)];
}
