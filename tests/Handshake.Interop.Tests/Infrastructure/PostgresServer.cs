using System.Globalization;

namespace Handshake.Interop.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL 15 that tests/run.sh started on 127.0.0.1 (scram-sha-256 for TCP, ssl = on with the
/// self-signed certificate in HANDSHAKE_SERVER_CA, trust for the superuser on its Unix socket).
/// Tests create their own roles through <see cref="ExecuteAsync"/>; role names should be unique per test class.
/// </summary>
public sealed class PostgresServer
{
    public PostgresServer()
    {
        var port = InteropEnvironment.Get("HANDSHAKE_PG_PORT");
        var socket = InteropEnvironment.Get("HANDSHAKE_PG_SOCKET_DIR");
        if (port is null || socket is null)
        {
            UnavailableReason = "PostgreSQL (HANDSHAKE_PG_PORT, HANDSHAKE_PG_SOCKET_DIR)";
            return;
        }

        Port = int.Parse(port, CultureInfo.InvariantCulture);
        SocketDirectory = socket;
        BinDirectory = InteropEnvironment.Get("HANDSHAKE_PG_BINDIR") ?? "/usr/lib/postgresql/15/bin";
        CaCertificatePath = InteropEnvironment.Get("HANDSHAKE_SERVER_CA");
    }

    /// <summary>Gets what is missing, or null when the server is there.</summary>
    public string? UnavailableReason { get; }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string SocketDirectory { get; } = "";

    public string BinDirectory { get; } = "";

    /// <summary>Gets the PEM file of the server's self-signed certificate (for verify-full).</summary>
    public string? CaCertificatePath { get; }

    public string Psql => Path.Combine(BinDirectory, "psql");

    /// <summary>Throws (fails the test) when tests/run.sh did not start the server.</summary>
    public void EnsureAvailable()
    {
        if (UnavailableReason is not null)
        {
            throw InteropEnvironment.Missing("PostgreSQL", UnavailableReason);
        }
    }

    /// <summary>Runs SQL as the superuser over the Unix socket (trust); throws with psql's output on error.</summary>
    public async Task<string> ExecuteAsync(string sql)
    {
        EnsureAvailable();
        var outcome = await ExternalProcess.RunAsync(
            Psql,
            ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres", "-f", "-"],
            standardInput: sql);
        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException("psql (superuser) failed: " + outcome.Combined);
        }

        return outcome.StandardOutput;
    }
}
