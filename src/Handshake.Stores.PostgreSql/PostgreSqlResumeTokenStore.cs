using Handshake.Plugins.Resume;
using Handshake.Stores.PostgreSql.Internal;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Handshake.Stores.PostgreSql;

/// <summary>
/// <see cref="IResumeTokenStore"/> in PostgreSQL. A redemption is one transaction that locks the
/// token's row and its family's row (<c>SELECT ... FOR UPDATE</c>), decides by
/// <see cref="ResumeRedeemRules"/>, and marks the token used and inserts its successor (or revokes the
/// family) before committing: of any number of servers presenting one token at once, one is accepted,
/// and a revocation made on any server is seen by the next redemption on every other.
/// </summary>
public sealed class PostgreSqlResumeTokenStore : IResumeTokenStore
{
    private readonly PostgreSqlStoreContext _context;
    private readonly string _tokens;
    private readonly string _families;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="options">The store options.</param>
    public PostgreSqlResumeTokenStore(NpgsqlDataSource dataSource, IOptions<PostgreSqlStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _context = new PostgreSqlStoreContext(dataSource, options.Value);
        _tokens = _context.Table("resume_tokens");
        _families = _context.Table("resume_families");
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(string tokenHash, ResumeTokenRecord record, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenHash);
        ArgumentNullException.ThrowIfNull(record);
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One statement: the family and its first token are both inserted, or neither (an existing
            // family inserts no token; an existing token hash fails the statement, family insert included).
            using var command = Sql.Command(
                $"""
                WITH family AS (
                    INSERT INTO {_families} (family_id, user_name, expires_at) VALUES (@family, @user, @expires)
                    ON CONFLICT DO NOTHING RETURNING family_id)
                INSERT INTO {_tokens} (token_hash, family_id, user_name, factors, assurance_level, family_created_at, issued_at, expires_at, generation)
                SELECT @hash, family_id, @user, @factors, @level, @created, @issued, @expires, @generation FROM family;
                """,
                connection);
            AddRecord(command, tokenHash, record);
            try
            {
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    throw new InvalidOperationException("The resume token or its family already exists.");
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new InvalidOperationException("The resume token or its family already exists.", e);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<ResumeRedeemResult> RedeemAsync(ResumeRedeemRequest request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.TokenHash);
        ArgumentException.ThrowIfNullOrEmpty(request.SuccessorHash);
        ArgumentNullException.ThrowIfNull(request.UserName);
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                ResumeTokenRecord record;
                bool revoked;
                DateTimeOffset? usedAt;
                using (var select = Sql.Command(
                    $"""
                    SELECT t.user_name, t.family_id, t.factors, t.assurance_level, t.family_created_at, t.issued_at, t.expires_at, t.generation, t.used_at, f.revoked
                    FROM {_tokens} t JOIN {_families} f ON f.family_id = t.family_id
                    WHERE t.token_hash = @hash AND t.user_name = @user
                    FOR UPDATE OF t, f;
                    """,
                    connection,
                    transaction))
                {
                    _ = select.Parameters.AddWithValue("hash", request.TokenHash);
                    _ = select.Parameters.AddWithValue("user", request.UserName);
                    var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using var readerScope = reader.ConfigureAwait(false);
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return new(ResumeRedeemOutcome.Unknown, null);
                    }

                    record = new ResumeTokenRecord(
                        reader.GetString(0),
                        reader.GetString(1),
                        await reader.GetFieldValueAsync<string[]>(2, cancellationToken).ConfigureAwait(false),
                        reader.GetInt32(3),
                        await reader.GetFieldValueAsync<DateTimeOffset>(4, cancellationToken).ConfigureAwait(false),
                        await reader.GetFieldValueAsync<DateTimeOffset>(5, cancellationToken).ConfigureAwait(false),
                        await reader.GetFieldValueAsync<DateTimeOffset>(6, cancellationToken).ConfigureAwait(false),
                        reader.GetInt32(7));
                    usedAt = await reader.IsDBNullAsync(8, cancellationToken).ConfigureAwait(false) ? null : await reader.GetFieldValueAsync<DateTimeOffset>(8, cancellationToken).ConfigureAwait(false);
                    revoked = reader.GetBoolean(9);
                }

                var outcome = ResumeRedeemRules.Decide(record, revoked, usedAt, request);
                if (outcome == ResumeRedeemOutcome.ReusedFamilyRevoked)
                {
                    using var revoke = Sql.Command($"UPDATE {_families} SET revoked = true WHERE family_id = @family;", connection, transaction);
                    _ = revoke.Parameters.AddWithValue("family", record.FamilyId);
                    _ = await revoke.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (outcome == ResumeRedeemOutcome.Accepted)
                {
                    using var rotate = Sql.Command(
                        $"""
                        UPDATE {_tokens} SET used_at = @now WHERE token_hash = @presented;
                        INSERT INTO {_tokens} (token_hash, family_id, user_name, factors, assurance_level, family_created_at, issued_at, expires_at, generation)
                        VALUES (@hash, @family, @user, @factors, @level, @created, @issued, @expires, @generation);
                        """,
                        connection,
                        transaction);
                    AddRecord(rotate, request.SuccessorHash, record with { IssuedAt = request.Now, Generation = record.Generation + 1 });
                    _ = rotate.Parameters.AddWithValue("now", request.Now.ToUniversalTime());
                    _ = rotate.Parameters.AddWithValue("presented", request.TokenHash);
                    try
                    {
                        _ = await rotate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                    {
                        throw new InvalidOperationException("The successor resume token already exists.", e);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new(outcome, record);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> RevokeFamilyAsync(string familyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(familyId);
        return await RevokeAsync($"UPDATE {_families} SET revoked = true WHERE family_id = @value AND NOT revoked;", familyId, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<int> RevokeUserAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return await RevokeAsync($"UPDATE {_families} SET revoked = true WHERE user_name = @value AND NOT revoked;", userName, cancellationToken).ConfigureAwait(false);
    }

    private static void AddRecord(NpgsqlCommand command, string hash, ResumeTokenRecord record)
    {
        _ = command.Parameters.AddWithValue("hash", hash);
        _ = command.Parameters.AddWithValue("family", record.FamilyId);
        _ = command.Parameters.AddWithValue("user", record.UserName);
        _ = command.Parameters.AddWithValue("factors", record.Factors.ToArray());
        _ = command.Parameters.AddWithValue("level", record.AssuranceLevel);
        _ = command.Parameters.AddWithValue("created", record.FamilyCreatedAt.ToUniversalTime());
        _ = command.Parameters.AddWithValue("issued", record.IssuedAt.ToUniversalTime());
        _ = command.Parameters.AddWithValue("expires", record.ExpiresAt.ToUniversalTime());
        _ = command.Parameters.AddWithValue("generation", record.Generation);
    }

    private async Task<int> RevokeAsync(string sql, string value, CancellationToken cancellationToken)
    {
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command(sql, connection);
            _ = command.Parameters.AddWithValue("value", value);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
