using System.Text.Json;
using Handshake.Stores.PostgreSql.Internal;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Handshake.Stores.PostgreSql;

/// <summary>
/// <see cref="ICredentialStore"/> in PostgreSQL: one row per user holding the ordered factors (plugin
/// name and stored credential each) as one JSON array, so a user is written and read whole, never
/// half-replaced. The stored credentials are what the verifiers keep (SCRAM's StoredKey and ServerKey,
/// a TOTP key): protect the database as you would a password file.
/// </summary>
public sealed class PostgreSqlCredentialStore : ICredentialStore
{
    private readonly PostgreSqlStoreContext _context;
    private readonly string _table;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="options">The store options.</param>
    public PostgreSqlCredentialStore(NpgsqlDataSource dataSource, IOptions<PostgreSqlStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _context = new PostgreSqlStoreContext(dataSource, options.Value);
        _table = _context.Table("users");
    }

    /// <inheritdoc />
    public async ValueTask<UserAuthPolicy?> FindUserAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command($"SELECT factors::text FROM {_table} WHERE user_name = @user;", connection);
            _ = command.Parameters.AddWithValue("user", userName);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? Parse(userName, json) : null;
        }
    }

    /// <summary>Adds a user, or replaces every factor of an existing one, in one statement.</summary>
    /// <param name="policy">The user's policy.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>True when the user is new, false when replaced.</returns>
    public async ValueTask<bool> AddOrReplaceUserAsync(UserAuthPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var json = JsonSerializer.Serialize(policy.Factors.Select(f => new StoredFactor(f.PluginName, f.Credential.Value)).ToArray(), StoredFactorContext.Default.StoredFactorArray);
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command(
                $"""
                INSERT INTO {_table} AS u (user_name, factors, updated_at) VALUES (@user, @factors, now())
                ON CONFLICT (user_name) DO UPDATE SET factors = EXCLUDED.factors, updated_at = now()
                RETURNING (xmax = 0);
                """,
                connection);
            _ = command.Parameters.AddWithValue("user", policy.UserName);
            _ = command.Parameters.Add(new NpgsqlParameter("factors", NpgsqlDbType.Jsonb) { Value = json });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>Removes a user.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether the user existed.</returns>
    public async ValueTask<bool> RemoveUserAsync(string userName, CancellationToken cancellationToken = default)
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

    /// <summary>Lists every user, by name.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The users' policies.</returns>
    public async ValueTask<IReadOnlyList<UserAuthPolicy>> ListUsersAsync(CancellationToken cancellationToken = default)
    {
        var users = new List<UserAuthPolicy>();
        var connection = await _context.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Sql.Command($"SELECT user_name, factors::text FROM {_table} ORDER BY user_name COLLATE \"C\";", connection);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                users.Add(Parse(reader.GetString(0), reader.GetString(1)));
            }
        }

        return users;
    }

    private static UserAuthPolicy Parse(string userName, string json)
    {
        var factors = JsonSerializer.Deserialize(json, StoredFactorContext.Default.StoredFactorArray)
            ?? throw new InvalidOperationException($"The stored factors of user '{userName}' are not a JSON array.");
        return new UserAuthPolicy(userName, [.. factors.Select(f => new AuthFactorPolicy(f.Plugin, StoredCredential.FromString(f.Stored)))]);
    }
}
