using System.Globalization;
using Npgsql;

namespace Handshake.Stores.PostgreSql.Tests;

/// <summary>
/// A schema of its own in the PostgreSQL that tests/run.sh started, migrated, with two data sources
/// (two pools: what two servers of a fleet have). Fails, never skips, when the server is missing.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public PostgresDatabase()
    {
        var port = Get("HANDSHAKE_PG_PORT");
        var socket = Get("HANDSHAKE_PG_SOCKET_DIR");
        if (port is null || socket is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL is not available: HANDSHAKE_PG_PORT and HANDSHAKE_PG_SOCKET_DIR are not set. Run the suite with tests/run.sh " +
                "(the README's test command), which starts PostgreSQL on 127.0.0.1; the store tests need a real server and never pass without one.");
        }

        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = socket,
            Port = int.Parse(port, CultureInfo.InvariantCulture),
            Username = Get("HANDSHAKE_PG_SUPERUSER") ?? "postgres",
            Database = "postgres",
            MaxPoolSize = 20,
            Timeout = 15,
            CommandTimeout = 30,
        }.ConnectionString;
        Schema = $"hs_{Guid.NewGuid():N}"[..30];
        First = NpgsqlDataSource.Create(ConnectionString);
        Second = NpgsqlDataSource.Create(ConnectionString);
    }

    public string ConnectionString { get; }

    public string Schema { get; }

    /// <summary>Gets instance A's data source.</summary>
    public NpgsqlDataSource First { get; }

    /// <summary>Gets instance B's data source: another pool, other connections.</summary>
    public NpgsqlDataSource Second { get; }

    public PostgreSqlStoreOptions Options => new() { Schema = Schema };

    public async Task InitializeAsync() => _ = await PostgreSqlStoreSchema.MigrateAsync(First, Schema);

    public async Task DisposeAsync()
    {
        try
        {
            await using var command = First.CreateCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE;");
            _ = await command.ExecuteNonQueryAsync();
        }
        finally
        {
            await First.DisposeAsync();
            await Second.DisposeAsync();
        }
    }

    private static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
