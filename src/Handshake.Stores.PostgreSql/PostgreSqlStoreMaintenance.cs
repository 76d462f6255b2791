using System.Diagnostics;
using Handshake.Stores.PostgreSql.Internal;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Handshake.Stores.PostgreSql;

/// <summary>
/// Deletes expired rows: resume families past their absolute lifetime (their tokens go with them),
/// TOTP state untouched for <see cref="PostgreSqlStoreOptions.TotpStateRetention"/> and not locked, and
/// fast-path cache entries older than <see cref="PostgreSqlStoreOptions.FastPathCacheLifetime"/>. Each
/// run is bounded: batches of <see cref="PostgreSqlStoreOptions.CleanupBatchSize"/> rows, stopping when
/// <see cref="PostgreSqlStoreOptions.CleanupTimeLimit"/> is spent. Run it on a timer from one or every
/// server (concurrent runs are safe: each batch is one DELETE).
/// </summary>
public sealed class PostgreSqlStoreMaintenance
{
    private readonly PostgreSqlStoreContext _context;
    private readonly (string Sql, string? Extra)[] _batches;

    /// <summary>Creates the job.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="options">The store options.</param>
    public PostgreSqlStoreMaintenance(NpgsqlDataSource dataSource, IOptions<PostgreSqlStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _context = new PostgreSqlStoreContext(dataSource, options.Value);
        var families = _context.Table("resume_families");
        var totp = _context.Table("totp_state");
        var cache = _context.Table("caching_sha2_cache");
        _batches =
        [
            ($"DELETE FROM {families} WHERE family_id IN (SELECT family_id FROM {families} WHERE expires_at <= @now LIMIT @batch);", null),
            ($"DELETE FROM {totp} WHERE state_key IN (SELECT state_key FROM {totp} WHERE updated_at <= @now - @keep AND (locked_until IS NULL OR locked_until <= @now) LIMIT @batch);", nameof(PostgreSqlStoreOptions.TotpStateRetention)),
            ($"DELETE FROM {cache} WHERE user_name IN (SELECT user_name FROM {cache} WHERE recorded_at <= @now - @keep LIMIT @batch);", nameof(PostgreSqlStoreOptions.FastPathCacheLifetime)),
        ];
    }

    /// <summary>Runs one bounded cleanup.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the run between statements.</param>
    /// <returns>How many rows were deleted (tokens deleted with their families not counted), and whether the time limit stopped the run before everything expired was gone.</returns>
    public async Task<(int Deleted, bool TimeLimitReached)> CleanupExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var options = _context.Options;
        var started = Stopwatch.GetTimestamp();
        var deleted = 0;
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            foreach (var (sql, extra) in _batches)
            {
                while (true)
                {
                    if (Stopwatch.GetElapsedTime(started) >= options.CleanupTimeLimit)
                    {
                        return (deleted, true);
                    }

                    using var command = Sql.Command(sql, connection);
                    _ = command.Parameters.AddWithValue("now", now.ToUniversalTime());
                    _ = command.Parameters.AddWithValue("batch", options.CleanupBatchSize);
                    if (extra is not null)
                    {
                        _ = command.Parameters.AddWithValue("keep", extra == nameof(PostgreSqlStoreOptions.TotpStateRetention) ? options.TotpStateRetention : options.FastPathCacheLifetime);
                    }

                    var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    deleted += rows;
                    if (rows < options.CleanupBatchSize)
                    {
                        break;
                    }
                }
            }
        }

        return (deleted, false);
    }
}
