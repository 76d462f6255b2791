using Handshake.Mfa;
using Handshake.Stores.PostgreSql.Internal;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Handshake.Stores.PostgreSql;

/// <summary>
/// <see cref="ITotpStateStore"/> in PostgreSQL: one row per factor, every decision one
/// <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE</c> statement, so of any number of servers presenting
/// the same step at once exactly one is accepted (the row lock PostgreSQL takes for the upsert
/// serialises them), and failures counted on any server add up.
/// </summary>
public sealed class PostgreSqlTotpStateStore : ITotpStateStore
{
    private readonly PostgreSqlStoreContext _context;
    private readonly string _acceptSql;
    private readonly string _failureSql;
    private readonly string _lockedSql;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="options">The store options.</param>
    public PostgreSqlTotpStateStore(NpgsqlDataSource dataSource, IOptions<PostgreSqlStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _context = new PostgreSqlStoreContext(dataSource, options.Value);
        var t = _context.Table("totp_state");

        // Accepted when the upsert's WHERE held: not locked and the step newer than the last one. The
        // outer SELECT sees the row as it was before, which tells a lockout from a replay.
        _acceptSql = $"""
            WITH accepted AS (
                INSERT INTO {t} AS s (state_key, last_step, failures, locked_until, updated_at) VALUES (@key, @step, 0, NULL, @now)
                ON CONFLICT (state_key) DO UPDATE SET last_step = @step, failures = 0, updated_at = @now
                WHERE (s.locked_until IS NULL OR s.locked_until <= @now) AND (s.last_step IS NULL OR s.last_step < @step)
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM accepted), EXISTS (SELECT 1 FROM {t} WHERE state_key = @key AND locked_until > @now);
            """;

        // During a lockout a failure neither counts nor extends it (RFC 4226 §7.3 throttling); the one
        // that reaches the limit resets the count and starts the lockout.
        _failureSql = $"""
            INSERT INTO {t} AS s (state_key, last_step, failures, locked_until, updated_at)
            VALUES (@key, NULL, CASE WHEN @max <= 1 THEN 0 ELSE 1 END, CASE WHEN @max <= 1 THEN @until END, @now)
            ON CONFLICT (state_key) DO UPDATE SET
                failures = CASE WHEN s.locked_until > @now THEN s.failures WHEN s.failures + 1 >= @max THEN 0 ELSE s.failures + 1 END,
                locked_until = CASE WHEN s.locked_until > @now THEN s.locked_until WHEN s.failures + 1 >= @max THEN @until ELSE s.locked_until END,
                updated_at = @now
            RETURNING coalesce(locked_until > @now, false);
            """;
        _lockedSql = $"SELECT EXISTS (SELECT 1 FROM {t} WHERE state_key = @key AND locked_until > @now);";
    }

    /// <inheritdoc />
    public async ValueTask<bool> IsLockedOutAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command(_lockedSql, connection);
            _ = command.Parameters.AddWithValue("key", key);
            _ = command.Parameters.AddWithValue("now", now.ToUniversalTime());
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <inheritdoc />
    public async ValueTask<TotpStepResult> TryAcceptStepAsync(string key, long timeStep, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command(_acceptSql, connection);
            _ = command.Parameters.AddWithValue("key", key);
            _ = command.Parameters.AddWithValue("step", timeStep);
            _ = command.Parameters.AddWithValue("now", now.ToUniversalTime());
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            _ = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetBoolean(0))
            {
                return TotpStepResult.Accepted;
            }

            return reader.GetBoolean(1) ? TotpStepResult.LockedOut : TotpStepResult.Replayed;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, TimeSpan lockoutDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFailures, 1);
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command(_failureSql, connection);
            _ = command.Parameters.AddWithValue("key", key);
            _ = command.Parameters.AddWithValue("max", maxFailures);
            _ = command.Parameters.AddWithValue("now", now.ToUniversalTime());
            _ = command.Parameters.AddWithValue("until", (now + lockoutDuration).ToUniversalTime());
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }
}
