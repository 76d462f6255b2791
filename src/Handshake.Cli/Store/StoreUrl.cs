using System.Globalization;
using Npgsql;

namespace Handshake.Cli.Store;

/// <summary>
/// A store location on the command line: <c>postgres://user@host:port/database?schema=handshake</c>
/// (also <c>postgresql://</c>; <c>?host=/path</c> names a Unix socket directory, <c>?sslmode=</c> passes
/// through). A password is never taken from the URL (other users read the process list): it comes from
/// the PGPASSWORD environment variable or ~/.pgpass, as with psql.
/// </summary>
internal sealed record StoreUrl(string ConnectionString, string Schema, string Display)
{
    public static StoreUrl Parse(string? text, string option = "--store")
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
        {
            throw new CliUsageException($"{option}: expected postgres://user@host:port/database[?schema=NAME&host=SOCKETDIR&sslmode=MODE]");
        }

        if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            throw new CliUsageException($"{option}: put no password in the URL (it shows in the process list); set PGPASSWORD or use ~/.pgpass");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "127.0.0.1" : uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
            Username = string.IsNullOrEmpty(uri.UserInfo) ? Environment.UserName : Uri.UnescapeDataString(uri.UserInfo),
            Password = Environment.GetEnvironmentVariable("PGPASSWORD"),
            ApplicationName = "handshake",
        };
        var schema = Stores.PostgreSql.PostgreSqlStoreOptions.DefaultSchema;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(at < 0 ? pair : pair[..at]);
            var value = at < 0 ? string.Empty : Uri.UnescapeDataString(pair[(at + 1)..]);
            switch (key)
            {
                case "schema":
                    schema = value;
                    break;
                case "host":
                    builder.Host = value;
                    break;
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode
                        : throw new CliUsageException($"{option}: sslmode '{value}' is not one of disable, prefer, require, verify-ca, verify-full");
                    break;
                default:
                    throw new CliUsageException($"{option}: unknown parameter '{key}'; known: schema, host, sslmode");
            }
        }

        var display = string.Create(CultureInfo.InvariantCulture, $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database} (schema {schema})");
        return new StoreUrl(builder.ConnectionString, schema, display);
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public override string ToString() => Display;
}
