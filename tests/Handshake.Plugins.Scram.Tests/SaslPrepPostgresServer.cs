using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>
/// A throwaway PostgreSQL 15 on 127.0.0.1 (temp data, log and socket directories, a free port,
/// scram-sha-256) that stores a SCRAM verifier for each <see cref="SaslPrepOracleCases"/> password.
/// When the binaries are missing, <see cref="UnavailableReason"/> says so and nothing is started.
/// </summary>
public sealed class SaslPrepPostgresServer : IAsyncLifetime
{
    // HANDSHAKE_PG_BINDIR points elsewhere (another install, or a missing one to check the not-found path).
    private static readonly string BinDirectory = Environment.GetEnvironmentVariable("HANDSHAKE_PG_BINDIR") is { Length: > 0 } dir ? dir : "/usr/lib/postgresql/15/bin";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Dictionary<string, string> _verifiers = new(StringComparer.Ordinal);
    private string? _root;
    private string? _dataDirectory;
    private int? _postmasterPid;
    private bool _started;

    /// <summary>Gets why the server could not be provided, or null when it runs.</summary>
    public string? UnavailableReason { get; private set; }

    /// <summary>Gets the pg_authid.rolpassword of each role, by role name.</summary>
    public IReadOnlyDictionary<string, string> Verifiers => _verifiers;

    /// <summary>Gets the server's version line (for the test output).</summary>
    public string? ServerVersion { get; private set; }

    public async Task InitializeAsync()
    {
        string[] needed = ["initdb", "pg_ctl", "psql", "postgres"];
        var missing = needed.Where(n => !File.Exists(Path.Combine(BinDirectory, n))).ToArray();
        if (missing.Length > 0)
        {
            UnavailableReason = $"PostgreSQL binaries not found in {BinDirectory} (missing: {string.Join(", ", missing)}).";
            return;
        }

        _root = Directory.CreateTempSubdirectory("handshake-saslprep-pg-").FullName;
        _dataDirectory = Path.Combine(_root, "data");
        if (RunsAsRoot)
        {
            // PostgreSQL refuses to run as root: the postgres user owns the whole temp tree.
            await RunAsync("chown", ["postgres:postgres", _root], asPostgres: false);
        }

        await RunAsync(Bin("initdb"), ["-D", _dataDirectory, "-U", "postgres", "-E", "UTF8", "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256"]);

        int port = FreePort();
        var conf = new StringBuilder()
            .AppendLine()
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine(CultureInfo.InvariantCulture, $"port = {port}")
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{_root}'")
            .AppendLine("password_encryption = 'scram-sha-256'")
            .AppendLine("fsync = off");
        await File.AppendAllTextAsync(Path.Combine(_dataDirectory, "postgresql.conf"), conf.ToString(), Utf8NoBom);

        await RunAsync(Bin("pg_ctl"), ["-D", _dataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "30", "start"]);
        _started = true;
        var pidLine = (await File.ReadAllLinesAsync(Path.Combine(_dataDirectory, "postmaster.pid")))[0];
        _postmasterPid = int.Parse(pidLine, CultureInfo.InvariantCulture);

        // Passwords travel as U&'' escapes in an ASCII SQL file: no shell, no client encoding in the way.
        var sql = new StringBuilder();
        foreach (var c in SaslPrepOracleCases.Everything)
        {
            sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE ROLE {c.Role} LOGIN PASSWORD {UnicodeEscapedLiteral(c.Password)};");
        }

        var sqlPath = Path.Combine(_root, "roles.sql");
        await File.WriteAllTextAsync(sqlPath, sql.ToString(), Utf8NoBom);
        string[] connect = ["-X", "-v", "ON_ERROR_STOP=1", "-h", _root, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres"];
        await RunAsync(Bin("psql"), [.. connect, "-q", "-f", sqlPath]);

        ServerVersion = (await RunAsync(Bin("psql"), [.. connect, "-At", "-c", "SELECT version()"])).Trim();
        var rows = await RunAsync(Bin("psql"), [.. connect, "-At", "-F", "|", "-c", "SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE 'saslprep\\_%'"]);
        foreach (var line in rows.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            _verifiers[line[..bar]] = line[(bar + 1)..];
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_started && _dataDirectory is not null)
            {
                try
                {
                    await RunAsync(Bin("pg_ctl"), ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"]);
                }
                catch (InvalidOperationException) when (_postmasterPid is int pid)
                {
                    KillPostmaster(pid);
                }
            }
        }
        finally
        {
            if (_root is not null)
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private static string Bin(string name) => Path.Combine(BinDirectory, name);

    private static void KillPostmaster(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string UnicodeEscapedLiteral(string value)
    {
        var literal = new StringBuilder("U&'");
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is >= 0x20 and < 0x7F && rune.Value != '\'' && rune.Value != '\\')
            {
                literal.Append((char)rune.Value);
            }
            else
            {
                literal.Append(CultureInfo.InvariantCulture, $"\\+{rune.Value:X6}");
            }
        }

        return literal.Append('\'').ToString();
    }

    private static Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments) => RunAsync(fileName, arguments, asPostgres: RunsAsRoot);

    private static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : fileName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", fileName])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} did not finish within {CommandTimeout.TotalSeconds} s.");
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} exited with {process.ExitCode}: {errors}");
        }

        return output;
    }
}
