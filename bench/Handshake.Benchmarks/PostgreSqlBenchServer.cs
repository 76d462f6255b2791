using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace Handshake.Benchmarks;

/// <summary>
/// The real PostgreSQL 15 that tests/run.sh starts (run the benchmark through <c>tests/run.sh --exec -- ...</c>):
/// it exports HANDSHAKE_PG_HOST, HANDSHAKE_PG_PORT (TCP, scram-sha-256 in pg_hba), HANDSHAKE_PG_SOCKET_DIR and
/// HANDSHAKE_PG_SUPERUSER (trust on the Unix socket). run.sh creates no login role: as the interop tests do,
/// the benchmark makes its own, <see cref="Role"/>, with a fresh random password per process.
/// </summary>
internal sealed class PostgreSqlBenchServer
{
    /// <summary>The benchmark's login role (re-created with a new password by every <see cref="Start"/>).</summary>
    public const string Role = "hs_bench_login";

    /// <summary>The iteration count PostgreSQL uses for SCRAM verifiers (fixed in 15; scram_iterations' default from 16).</summary>
    public const int DefaultScramIterations = 4096;

    private PostgreSqlBenchServer(string host, int port, string socketDirectory, string superuser)
    {
        Host = host;
        Port = port;
        SocketDirectory = socketDirectory;
        Superuser = superuser;
    }

    /// <summary>Gets the failure message for a run without the server's variables: it says how to get one.</summary>
    public static string MissingMessage =>
        "The end-to-end PostgreSQL login benchmark needs a real PostgreSQL: HANDSHAKE_PG_PORT and HANDSHAKE_PG_SOCKET_DIR are not set. " +
        "Run it through tests/run.sh, which starts PostgreSQL 15 on 127.0.0.1 and exports them: " +
        "tests/run.sh --exec -- dotnet run -c Release --project bench/Handshake.Benchmarks -- --filter '*PostgreSqlLogin*'";

    /// <summary>Gets a value indicating whether tests/run.sh's PostgreSQL variables are set.</summary>
    public static bool IsConfigured => Get("HANDSHAKE_PG_PORT") is not null && Get("HANDSHAKE_PG_SOCKET_DIR") is not null;

    public string Host { get; }

    public int Port { get; }

    public string SocketDirectory { get; }

    public string Superuser { get; }

    /// <summary>Gets the login role's password, set by <see cref="Start"/>; never printed.</summary>
    public string Password { get; private set; } = "";

    /// <summary>
    /// Reads the variables, and (re-)creates <see cref="Role"/> with a new random password as the superuser over
    /// the Unix socket; checks that PostgreSQL stored a SCRAM-SHA-256 verifier with 4096 iterations.
    /// </summary>
    /// <exception cref="InvalidOperationException">The variables are not set, or the server stored something else.</exception>
    public static PostgreSqlBenchServer Start()
    {
        if (!IsConfigured)
        {
            throw new InvalidOperationException(MissingMessage);
        }

        var server = new PostgreSqlBenchServer(
            Get("HANDSHAKE_PG_HOST") ?? "127.0.0.1",
            int.Parse(Get("HANDSHAKE_PG_PORT")!, CultureInfo.InvariantCulture),
            Get("HANDSHAKE_PG_SOCKET_DIR")!,
            Get("HANDSHAKE_PG_SUPERUSER") ?? "postgres");
        server.CreateRole();
        return server;
    }

    /// <summary>The connection string of the login under test: TCP, no TLS, no pool.</summary>
    public string NpgsqlConnectionString() => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Role,
        Password = Password,
        Database = "postgres",
        SslMode = SslMode.Disable,
        Pooling = false,
    }.ConnectionString;

    private static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "ALTER ROLE takes no bind parameters; the text is constants and a hex password made here.")]
    private void CreateRole()
    {
        // Hex: nothing in it needs quoting in the ALTER ROLE literal (which takes no bind parameters).
        Password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var superuser = new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectory,
            Port = Port,
            Username = Superuser,
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;
        using var connection = new NpgsqlConnection(superuser);
        connection.Open();
        var version = connection.PostgreSqlVersion;
        var sql =
            "SET password_encryption = 'scram-sha-256';\n" +
            (version.Major >= 16 ? $"SET scram_iterations = {DefaultScramIterations};\n" : "") +
            $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{Role}') THEN CREATE ROLE {Role} LOGIN; END IF; END $$;\n" +
            $"ALTER ROLE {Role} LOGIN PASSWORD '{Password}';";
        using (var command = new NpgsqlCommand(sql, connection))
        {
            _ = command.ExecuteNonQuery();
        }

        using var check = new NpgsqlCommand("SELECT rolpassword FROM pg_authid WHERE rolname = $1", connection);
        _ = check.Parameters.Add(new NpgsqlParameter { Value = Role });
        var stored = check.ExecuteScalar() as string ?? "";
        var expected = $"SCRAM-SHA-256${DefaultScramIterations}:";
        if (!stored.StartsWith(expected, StringComparison.Ordinal))
        {
            // The prefix only (mechanism and iteration count): the rest is the verifier.
            var prefix = stored.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? stored[..colon] : "(no SCRAM verifier)";
            throw new InvalidOperationException($"PostgreSQL stored '{prefix}' for {Role}, not a SCRAM-SHA-256 verifier with {DefaultScramIterations} iterations.");
        }
    }
}
