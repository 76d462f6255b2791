using System.CommandLine;
using System.Globalization;
using Handshake.Stores.PostgreSql;
using Npgsql;

namespace Handshake.Cli.Store;

/// <summary><c>handshake store init &lt;url&gt;</c>: creates or upgrades the PostgreSQL store's schema, explicitly and idempotently.</summary>
internal static class StoreCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var url = new Argument<string>("url") { Description = "postgres://user@host:port/database[?schema=NAME&host=SOCKETDIR]; the password from PGPASSWORD." };
        var init = new Command("init", "Create the store's tables (or apply the migrations it lacks); running it again changes nothing.") { url };
        context.SetAction(init, async (parse, ct) =>
        {
            var store = StoreUrl.Parse(parse.GetValue(url), "url");
            var dataSource = store.CreateDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var applied = await Run(() => PostgreSqlStoreSchema.MigrateAsync(dataSource, store.Schema, ct)).ConfigureAwait(false);
            var output = context.Environment.Output;
            await output.WriteLineAsync(applied.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{store}: already at version {PostgreSqlStoreSchema.LatestVersion}; nothing to do")
                : string.Create(CultureInfo.InvariantCulture, $"{store}: applied version(s) {string.Join(", ", applied)}; now at {PostgreSqlStoreSchema.LatestVersion}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return new Command("store", "Manage a shared server store (PostgreSQL) that several `handshake serve` instances use.") { init };
    }

    /// <summary>Turns a database failure into one line that names it (never the connection string).</summary>
    public static async Task<T> Run<T>(Func<Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            throw new CliUsageException($"the store refused: {ex.SqlState} {ex.MessageText}", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new IOException($"cannot reach the store: {ex.Message}", ex);
        }
    }
}
