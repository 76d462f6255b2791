using Handshake.Plugins.KeyAuth;
using Handshake.Stores.PostgreSql.Internal;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Handshake.Stores.PostgreSql;

/// <summary>
/// <see cref="IKeyAuthRevocationList"/> in PostgreSQL: one row per revoked fingerprint, read on every
/// verification, so a key revoked through any server is refused by every server from the next login.
/// </summary>
public sealed class PostgreSqlKeyAuthRevocationList : IKeyAuthRevocationList
{
    private readonly PostgreSqlStoreContext _context;
    private readonly string _table;

    /// <summary>Creates the list.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="options">The store options.</param>
    public PostgreSqlKeyAuthRevocationList(NpgsqlDataSource dataSource, IOptions<PostgreSqlStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _context = new PostgreSqlStoreContext(dataSource, options.Value);
        _table = _context.Table("key_revocations");
    }

    /// <inheritdoc />
    public async ValueTask<bool> IsRevokedAsync(KeyAuthFingerprint fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return await ExecuteAsync($"SELECT count(*)::int FROM {_table} WHERE fingerprint = @fp;", fingerprint, scalar: true, cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Revokes a key (revoking it again is harmless).</summary>
    /// <param name="fingerprint">The key's fingerprint.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether the key was not revoked before.</returns>
    public async ValueTask<bool> RevokeAsync(KeyAuthFingerprint fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return await ExecuteAsync($"INSERT INTO {_table} (fingerprint) VALUES (@fp) ON CONFLICT DO NOTHING;", fingerprint, scalar: false, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Lifts a revocation.</summary>
    /// <param name="fingerprint">The key's fingerprint.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether the key was revoked.</returns>
    public async ValueTask<bool> ReinstateAsync(KeyAuthFingerprint fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return await ExecuteAsync($"DELETE FROM {_table} WHERE fingerprint = @fp;", fingerprint, scalar: false, cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<int> ExecuteAsync(string sql, KeyAuthFingerprint fingerprint, bool scalar, CancellationToken cancellationToken)
    {
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command(sql, connection);
            _ = command.Parameters.AddWithValue("fp", fingerprint.Hash.ToArray());
            return scalar
                ? (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!
                : await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
