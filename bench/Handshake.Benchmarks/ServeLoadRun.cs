using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Handshake.Protocols.MySql;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Benchmarks;

/// <summary>
/// <c>--serve-load</c>: logins per second through a real <c>handshake serve</c> process on 127.0.0.1, with
/// the users in memory (users.json) and, when <c>--store</c> is given, with the PostgreSQL store, one
/// server process per (mode, backend). N clients (default 32) log in over TCP in a loop for a fixed
/// time: SCRAM-SHA-256 over postgres (the client's derived-key cache warm, so the server is what is
/// measured), mysql_native_password over mysql, resume over postgres with TLS (each client presents its
/// own token family's current token). Prints logins/s, p50/p99 login latency, and from serve's
/// <c>--stats</c> line the server's allocated bytes and store commands per login. Not BenchmarkDotNet:
/// a load run has a server process and a wall clock; the lead quotes the ratios of one quiet run.
/// </summary>
internal static class ServeLoadRun
{
    private const string ScramUser = "load";
    private const string NativeUser = "load-native";
    private const string Password = "load password 1";
    private const string ServerIdentity = "serve-load";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failed scenario is reported and the run goes on to the next.")]
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var modes = args.Where(a => a is "scram" or "native" or "resume").ToList();
        if (modes.Count == 0)
        {
            modes = ["scram", "native", "resume"];
        }

        var clients = int.Parse(Value(args, "--clients") ?? "32", CultureInfo.InvariantCulture);
        var seconds = double.Parse(Value(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        if (clients is < 1 or > 1024 || seconds is <= 0 or > 600)
        {
            await Console.Error.WriteLineAsync("--clients 1 to 1024, --seconds up to 600").ConfigureAwait(false);
            return 2;
        }

        var store = Value(args, "--store") is { } s ? StoreUrl(s) : null;
        var cli = Value(args, "--cli") ?? FindCli();
        using var work = new TempDirectory();
        var keys = WriteKeys(work.Path);
        Console.WriteLine($"serve-load: {clients} clients, {seconds.ToString(CultureInfo.InvariantCulture)} s per scenario, {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, cli {cli}");
        if (store is not null)
        {
            await PrepareStoreAsync(cli, store).ConfigureAwait(false);
        }

        var rows = new List<Row>();
        var failed = false;
        foreach (var mode in modes)
        {
            foreach (var backend in store is null ? ["memory"] : new[] { "memory", "store" })
            {
                try
                {
                    var row = await RunScenarioAsync(cli, mode, backend == "store" ? store : null, keys, work.Path, clients, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
                    rows.Add(row);
                    Console.WriteLine(row);
                }
                catch (Exception ex)
                {
                    failed = true;
                    Console.WriteLine($"{mode} / {backend}: failed: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        foreach (var mode in modes)
        {
            if (rows.FirstOrDefault(r => r.Mode == mode && r.Backend == "memory") is { } memory && rows.FirstOrDefault(r => r.Mode == mode && r.Backend == "store") is { } shared)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio {mode}: store/memory logins/s {shared.PerSecond / memory.PerSecond:0.00}, p50 {shared.P50Ms / memory.P50Ms:0.00}x, p99 {shared.P99Ms / memory.P99Ms:0.00}x, allocated/login {(double)shared.BytesPerLogin / memory.BytesPerLogin:0.00}x"));
            }
        }

        return failed ? 1 : 0;
    }

    private static async Task<Row> RunScenarioAsync(string cli, string mode, string? store, Keys keys, string directory, int clients, TimeSpan duration)
    {
        var protocol = mode == "native" ? "mysql" : "postgres";
        var tls = mode == "resume";
        List<string> arguments = ["serve", protocol, "--port", "0", "--stats", "--max-connections", "4096", "--unknown-user-key-file", keys.UnknownUserKey, "--rsa-key-file", keys.RsaKey];
        arguments.AddRange(store is null ? ["--users", WriteUsers(directory)] : ["--store", store]);
        if (tls)
        {
            arguments.AddRange(["--tls-cert", keys.Certificate, "--tls-key", keys.TlsKey, "--resume"]);
        }

        var server = await ServerProcess.StartAsync(cli, arguments).ConfigureAwait(false);
        await using var serverScope = server.ConfigureAwait(false);
        var ca = tls ? X509CertificateLoader.LoadCertificateFromFile(keys.Certificate) : null;
        var providers = Enumerable.Range(0, clients).Select(_ => ClientServices(mode)).ToList();
        try
        {
            // Warm-up: one login per client (JIT, the derived-key cache, pools; for resume a full login that earns the client its token).
            await Task.WhenAll(providers.Select(p => LoginAsync(p, mode, server.Port, ca, full: true))).ConfigureAwait(false);
            var latencies = new List<long>[clients];
            var stop = Stopwatch.StartNew();
            var loops = providers.Select((p, i) => Task.Run(async () =>
            {
                var mine = latencies[i] = new List<long>(4096);
                while (stop.Elapsed < duration)
                {
                    var start = Stopwatch.GetTimestamp();
                    await LoginAsync(p, mode, server.Port, ca, full: false).ConfigureAwait(false);
                    mine.Add(Stopwatch.GetTimestamp() - start);
                }
            })).ToArray();
            await Task.WhenAll(loops).ConfigureAwait(false);
            var elapsed = stop.Elapsed;
            var stats = await server.StopAsync().ConfigureAwait(false);
            var all = latencies.SelectMany(l => l).Order().ToArray();
            if (all.Length == 0)
            {
                throw new InvalidOperationException("no login completed in the run");
            }

            var connections = stats.Connections;
            return new Row(
                mode,
                store is null ? "memory" : "store",
                all.Length,
                all.Length / elapsed.TotalSeconds,
                Milliseconds(all[(int)(all.Length * 0.50)]),
                Milliseconds(all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))]),
                connections == 0 ? 0 : stats.Bytes / connections,
                connections == 0 ? 0 : (double)stats.Commands / connections);
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }

            ca?.Dispose();
        }
    }

    private static ServiceProvider ClientServices(string mode)
    {
        var services = new ServiceCollection();
        var builder = services.AddHandshake();
        _ = mode switch
        {
            "native" => builder.AddNativePassword(),
            "resume" => builder.AddScram(o => o.UseDerivedKeyCache = true).AddResume(o => o.ServerIdentity = ServerIdentity),
            _ => builder.AddScram(o => o.UseDerivedKeyCache = true),
        };
        return services.BuildServiceProvider();
    }

    private static async Task LoginAsync(ServiceProvider services, string mode, int port, X509Certificate2? ca, bool full)
    {
        using var limit = new CancellationTokenSource(Limit);
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port, limit.Token).ConfigureAwait(false);
        using var credentials = AuthCredentials.FromPasswords(mode == "native" ? NativeUser : ScramUser, Password);
        var factory = services.GetRequiredService<IAuthNegotiatorFactory>();
        if (mode == "native")
        {
            var options = new MySqlClientOptions { TlsMode = ClientTlsMode.Disable };
            options.RegisteredPlugins.Add(NativePasswordPluginNames.MySqlNativePassword);
            var client = await MySqlClientConnector.ConnectAsync(tcp.GetStream(), options, factory, credentials, limit.Token).ConfigureAwait(false);

            // COM_QUIT.
            await client.Stream.WriteAsync(new byte[] { 1, 0, 0, 0, 1 }, limit.Token).ConfigureAwait(false);
            return;
        }

        var pg = new PostgreSqlClientOptions { TlsMode = ca is null ? ClientTlsMode.Disable : ClientTlsMode.VerifyFull, TargetHost = "localhost", Database = "db" };
        if (ca is not null)
        {
            pg.TrustedRootCertificates.Add(ca);
        }

        var startup = await PostgreSqlStartup.ConnectAsync(tcp.GetStream(), pg, factory, credentials, limit.Token).ConfigureAwait(false);
        try
        {
            var mechanism = startup.Mechanism;
            if (mode == "resume" && full)
            {
                var token = await PgShow.ResumeTokenAsync(startup.Stream, limit.Token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("serve issued no resume token after a full login over TLS");
                using var issued = new ResumeToken(Convert.FromBase64String(token));
                services.GetRequiredService<IResumeTokenCache>().Store(ServerIdentity, ScramUser, issued);
            }
            else if (mode == "resume" && mechanism != ResumePluginNames.Resume)
            {
                throw new InvalidOperationException($"a resume login ran {mechanism}: the token was refused");
            }

            await startup.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, limit.Token).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(startup.Stream, tcp.GetStream()))
            {
                await startup.Stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The same two users as users.json, through the CLI: `store init`, `user add` (the password on standard input).</summary>
    private static async Task PrepareStoreAsync(string cli, string store)
    {
        await ServerProcess.RunAsync(cli, null, "store", "init", store).ConfigureAwait(false);
        await ServerProcess.RunAsync(cli, Password + "\n", "user", "add", ScramUser, "--store", store, "--factor", "SCRAM-SHA-256").ConfigureAwait(false);
        await ServerProcess.RunAsync(cli, Password + "\n", "user", "add", NativeUser, "--store", store, "--factor", NativePasswordPluginNames.MySqlNativePassword).ConfigureAwait(false);
    }

    private static string WriteUsers(string directory)
    {
        var path = Path.Combine(directory, "users.json");
        if (!File.Exists(path))
        {
            var scram = ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).ToStoredCredential().Value;
            var native = NativePasswordCredential.FromPassword(Password).ToStoredCredential().Value;
            File.WriteAllText(path, $$"""{"users":[{"name":"{{ScramUser}}","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"}]},{"name":"{{NativeUser}}","factors":[{"plugin":"{{NativePasswordPluginNames.MySqlNativePassword}}","stored":"{{native}}"}]}]}""");
        }

        return path;
    }

    private static Keys WriteKeys(string directory)
    {
        var unknown = Path.Combine(directory, "unknown-user.key");
        File.WriteAllText(unknown, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var rsaPath = Path.Combine(directory, "rsa.pem");
        using (var rsa = RSA.Create(2048))
        {
            File.WriteAllText(rsaPath, rsa.ExportPkcs8PrivateKeyPem());
        }

        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", tlsKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, tlsKey.ExportPkcs8PrivateKeyPem());
        return new Keys(unknown, rsaPath, certPath, keyPath);
    }

    /// <summary>"env": the PostgreSQL tests/run.sh started (HANDSHAKE_PG_PORT, HANDSHAKE_PG_SOCKET_DIR), a schema of this run's own.</summary>
    private static string StoreUrl(string value)
    {
        if (value != "env")
        {
            return value;
        }

        var port = Environment.GetEnvironmentVariable("HANDSHAKE_PG_PORT") ?? throw new InvalidOperationException("--store env: HANDSHAKE_PG_PORT is not set (run through tests/run.sh --exec ...)");
        var socket = Environment.GetEnvironmentVariable("HANDSHAKE_PG_SOCKET_DIR") ?? throw new InvalidOperationException("--store env: HANDSHAKE_PG_SOCKET_DIR is not set");
        return string.Create(CultureInfo.InvariantCulture, $"postgres://postgres@localhost:{port}/postgres?host={Uri.EscapeDataString(socket)}&schema=hs_load_{Guid.NewGuid():N}");
    }

    private static string FindCli()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var path = Path.Combine(directory.FullName, "src", "Handshake.Cli", "bin", configuration, "net10.0", "Handshake.Cli.dll");
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        throw new InvalidOperationException("Handshake.Cli.dll not found: `dotnet build src/Handshake.Cli -c Release`, or pass --cli PATH");
    }

    private static string? Value(IReadOnlyList<string> args, string name)
    {
        var i = args.ToList().IndexOf(name);
        return i >= 0 && i + 1 < args.Count ? args[i + 1] : null;
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private sealed record Keys(string UnknownUserKey, string RsaKey, string Certificate, string TlsKey);

    private sealed record Row(string Mode, string Backend, int Logins, double PerSecond, double P50Ms, double P99Ms, long BytesPerLogin, double CommandsPerLogin)
    {
        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Mode,-7} {Backend,-6} {Logins,8} logins {PerSecond,9:0.0}/s  p50 {P50Ms,7:0.00} ms  p99 {P99Ms,7:0.00} ms  server {BytesPerLogin,8} B/login  store commands {CommandsPerLogin:0.00}/login");
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("handshake-serve-load-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
