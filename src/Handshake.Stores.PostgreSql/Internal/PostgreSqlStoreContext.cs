using System.Text.RegularExpressions;
using Npgsql;

namespace Handshake.Stores.PostgreSql.Internal;

/// <summary>
/// What every PostgreSQL store shares: the data source, the schema-qualified table names, and the
/// one-time check that the schema was initialised (never created on first use).
/// </summary>
internal sealed partial class PostgreSqlStoreContext
{
    private readonly Lock _gate = new();
    private Task? _ready;

    public PostgreSqlStoreContext(NpgsqlDataSource dataSource, PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        DataSource = dataSource;
        Options = options;
        Schema = ValidSchema(options.Schema);
    }

    public NpgsqlDataSource DataSource { get; }

    public PostgreSqlStoreOptions Options { get; }

    public string Schema { get; }

    public string Table(string name) => $"\"{Schema}\".{name}";

    public static string ValidSchema(string? schema) =>
        schema is not null && SchemaPattern().IsMatch(schema)
            ? schema
            : throw new ArgumentException($"The PostgreSQL store schema '{schema}' is not a plain lower-case identifier (letters, digits, underscores; at most 63 characters).", nameof(schema));

    /// <summary>Checks once per store instance that the schema is at the version this library needs; a failed check is retried next time.</summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = CheckAsync(cancellationToken);
            }

            return _ready;
        }
    }

    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var version = await PostgreSqlStoreSchema.GetVersionAsync(DataSource, Schema, cancellationToken).ConfigureAwait(false);
        if (version < PostgreSqlStoreSchema.LatestVersion)
        {
            throw new InvalidOperationException(
                $"The Handshake PostgreSQL store schema \"{Schema}\" is at version {version}; this library needs {PostgreSqlStoreSchema.LatestVersion}. " +
                $"Initialise it once, explicitly: `handshake store init <url>` (with --schema {Schema} if not the default) or PostgreSqlStoreSchema.MigrateAsync(dataSource, \"{Schema}\"). Stores never create tables on first use.");
        }

        if (version > PostgreSqlStoreSchema.LatestVersion)
        {
            throw new InvalidOperationException($"The Handshake PostgreSQL store schema \"{Schema}\" is at version {version}, newer than this library's {PostgreSqlStoreSchema.LatestVersion}: upgrade Handshake.Stores.PostgreSql on this server.");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}
