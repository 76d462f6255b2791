using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Interop.Tests.Infrastructure;

/// <summary>
/// The MariaDB 10.11 that tests/run.sh started on 127.0.0.1 (TLS on with the self-signed certificate in
/// HANDSHAKE_SERVER_CA; root through unix_socket authentication on HANDSHAKE_MARIADB_SOCKET).
/// Tests create their own users through <see cref="ExecuteAsync"/>; user names should be unique per test class.
/// </summary>
public sealed class MariaDbServer
{
    public MariaDbServer()
    {
        var port = InteropEnvironment.Get("HANDSHAKE_MARIADB_PORT");
        var socket = InteropEnvironment.Get("HANDSHAKE_MARIADB_SOCKET");
        if (port is null || socket is null)
        {
            UnavailableReason = "MariaDB (HANDSHAKE_MARIADB_PORT, HANDSHAKE_MARIADB_SOCKET)";
            return;
        }

        Port = int.Parse(port, CultureInfo.InvariantCulture);
        Socket = socket;
        CaCertificatePath = InteropEnvironment.Get("HANDSHAKE_SERVER_CA");
    }

    /// <summary>Gets what is missing, or null when the server is there.</summary>
    public string? UnavailableReason { get; }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string Socket { get; } = "";

    /// <summary>Gets the PEM file of the server's self-signed certificate.</summary>
    public string? CaCertificatePath { get; }

    /// <summary>Throws (fails the test) when tests/run.sh did not start the server.</summary>
    public void EnsureAvailable()
    {
        if (UnavailableReason is not null)
        {
            throw InteropEnvironment.Missing("MariaDB", UnavailableReason);
        }
    }

    /// <summary>Makes <paramref name="options"/> demand verified TLS against the server's self-signed CA (chain and host name), so the connection counts as verified.</summary>
    /// <param name="options">The client options to set.</param>
    public void RequireVerifiedTls(AdapterClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = CaCertificatePath ?? throw InteropEnvironment.Missing("The server's CA certificate", "HANDSHAKE_SERVER_CA");
        options.TlsMode = ClientTlsMode.VerifyFull;
        options.TargetHost = "localhost";
        options.TrustedRootCertificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
    }

    /// <summary>Runs SQL as root over the Unix socket; throws with the client's output on error.</summary>
    public async Task<string> ExecuteAsync(string sql)
    {
        EnsureAvailable();
        var outcome = await ExternalProcess.RunAsync("mariadb", ["--no-defaults", "-S", Socket, "-uroot", "-N", "-B"], standardInput: sql);
        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException("mariadb (root) failed: " + outcome.Combined);
        }

        return outcome.StandardOutput;
    }
}
