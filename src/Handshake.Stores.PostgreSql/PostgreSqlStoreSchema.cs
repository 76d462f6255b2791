using Handshake.Stores.PostgreSql.Internal;
using Npgsql;

namespace Handshake.Stores.PostgreSql;

/// <summary>
/// The stores' schema: a version table and idempotent migrations, applied only by an explicit call
/// (<see cref="MigrateAsync"/>, or <c>handshake store init &lt;url&gt;</c>), never on first use.
/// </summary>
public static class PostgreSqlStoreSchema
{
    private const string UndefinedTable = "42P01";
    private const string InvalidSchemaName = "3F000";

    /// <summary>Gets the schema version this library needs.</summary>
    public static int LatestVersion { get; } = Migrations.All[^1].Version;

    /// <summary>
    /// Creates the schema if needed and applies every migration it lacks, each in one transaction with
    /// its version row, under a lock on the version table so two servers initialising at once apply
    /// each migration once. Running it again is harmless.
    /// </summary>
    /// <param name="dataSource">The database (a role allowed to create the schema and its tables).</param>
    /// <param name="schema">The schema (see <see cref="PostgreSqlStoreOptions.Schema"/>).</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>The versions applied by this call (empty when the schema was already current).</returns>
    /// <exception cref="InvalidOperationException">The database holds a newer schema than this library knows.</exception>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, string schema = PostgreSqlStoreOptions.DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var quoted = $"\"{PostgreSqlStoreContext.ValidSchema(schema)}\"";
        var applied = new List<int>();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, null, $"CREATE SCHEMA IF NOT EXISTS {quoted}; CREATE TABLE IF NOT EXISTS {quoted}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());", cancellationToken).ConfigureAwait(false);
            foreach (var (version, sql) in Migrations.All)
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, transaction, $"LOCK TABLE {quoted}.schema_version IN EXCLUSIVE MODE;", cancellationToken).ConfigureAwait(false);
                    var current = await CurrentAsync(connection, transaction, quoted, cancellationToken).ConfigureAwait(false);
                    if (current > LatestVersion)
                    {
                        throw new InvalidOperationException($"The schema \"{schema}\" is at version {current}, newer than this library's {LatestVersion}: upgrade Handshake.Stores.PostgreSql.");
                    }

                    if (current >= version)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    await ExecuteAsync(connection, transaction, sql.Replace("{s}", quoted, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
                    using var record = Sql.Command($"INSERT INTO {quoted}.schema_version (version) VALUES (@v);", connection, transaction);
                    _ = record.Parameters.AddWithValue("v", version);
                    _ = await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    applied.Add(version);
                }
            }
        }

        return applied;
    }

    /// <summary>Reads the schema's version without changing anything.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="schema">The schema.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The version; 0 when the schema or its version table does not exist.</returns>
    public static async Task<int> GetVersionAsync(NpgsqlDataSource dataSource, string schema = PostgreSqlStoreOptions.DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var quoted = $"\"{PostgreSqlStoreContext.ValidSchema(schema)}\"";
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await CurrentAsync(connection, null, quoted, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is UndefinedTable or InvalidSchemaName)
            {
                return 0;
            }
        }
    }

    private static async Task<int> CurrentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string quoted, CancellationToken cancellationToken)
    {
        using var command = Sql.Command($"SELECT coalesce(max(version), 0) FROM {quoted}.schema_version;", connection, transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = Sql.Command(sql, connection, transaction);
        _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
