using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Handshake.Interop.Tests.Infrastructure;

namespace Handshake.Interop.Tests.Stores;

/// <summary>
/// A fleet: one PostgreSQL store (a schema of its own in the server tests/run.sh started), filled with
/// `handshake store init` and `handshake user add`, and four `handshake serve` processes sharing it and
/// the same key files: MySQL A and B, PostgreSQL A and B (TLS on, session resumption on, one resume hash key).
/// </summary>
public sealed partial class FleetFixture : IAsyncLifetime
{
    public const string Password = "fleet password 1";
    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-fleet-").FullName;
    private readonly List<ServeProcess> _servers = [];

    internal PostgresServer Postgres { get; } = new();

    public string Schema { get; } = $"hs_fleet_{Guid.NewGuid():N}"[..30];

    public string StoreLocation => string.Create(CultureInfo.InvariantCulture, $"postgres://postgres@localhost:{Postgres.Port}/postgres?host={Uri.EscapeDataString(Postgres.SocketDirectory)}&schema={Schema}");

    public string CertificatePath => Path.Combine(_directory, "cert.pem");

    public string RsaKeyPath => Path.Combine(_directory, "caching-sha2.pem");

    public string RsaPublicKeyPath => Path.Combine(_directory, "caching-sha2.pub.pem");

    /// <summary>Gets the users with a SCRAM-SHA-256 login that the resume tests use, one per test.</summary>
    public static IReadOnlyList<string> ResumeUsers { get; } = ["rita", "sam", "tess"];

    /// <summary>Gets the TOTP secrets `user add` printed (in the otpauth URI), by user.</summary>
    public Dictionary<string, string> TotpSecrets { get; } = new(StringComparer.Ordinal);

    public string InitOutput { get; private set; } = string.Empty;

    public string SecondInitOutput { get; private set; } = string.Empty;

    public string ListOutput { get; private set; } = string.Empty;

    internal ServeProcess MySqlA => _servers[0];

    internal ServeProcess MySqlB => _servers[1];

    internal ServeProcess PostgresA => _servers[2];

    internal ServeProcess PostgresB => _servers[3];

    public async Task InitializeAsync()
    {
        Postgres.EnsureAvailable();
        WriteKeys();
        InitOutput = Check(await ServeProcess.RunAsync(null, "store", "init", StoreLocation)).StandardOutput;
        SecondInitOutput = Check(await ServeProcess.RunAsync(null, "store", "init", StoreLocation)).StandardOutput;
        _ = Check(await ServeProcess.RunAsync(Password + "\n", "user", "add", "alice", "--store", StoreLocation, "--factor", "SCRAM-SHA-256"));
        foreach (var user in ResumeUsers)
        {
            _ = Check(await ServeProcess.RunAsync(Password + "\n", "user", "add", user, "--store", StoreLocation, "--factor", "SCRAM-SHA-256"));
        }

        _ = Check(await ServeProcess.RunAsync(Password + "\n", "user", "add", "carol", "--store", StoreLocation, "--factor", "caching_sha2_password"));
        foreach (var user in new[] { "dave", "erin" })
        {
            var added = Check(await ServeProcess.RunAsync(Password + "\n", "user", "add", user, "--store", StoreLocation, "--factor", "mysql_native_password", "--factor", "totp"));
            TotpSecrets[user] = SecretInUri().Match(added.StandardOutput) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no otpauth URI printed:\n" + added.Combined);
        }

        ListOutput = Check(await ServeProcess.RunAsync(null, "user", "list", "--store", StoreLocation)).StandardOutput;

        string[] common = ["--store", StoreLocation, "--unknown-user-key-file", Path.Combine(_directory, "unknown-user.key"), "--rsa-key-file", RsaKeyPath, "--port", "0"];
        string[] tls = ["--tls-cert", CertificatePath, "--tls-key", Path.Combine(_directory, "key.pem")];
        string[] resume = ["--resume", "--resume-hash-key-file", Path.Combine(_directory, "resume.key")];
        string[][] launches =
        [
            ["serve", "mysql", "--default-plugin", "caching_sha2_password", .. common, .. tls],
            ["serve", "mysql", "--default-plugin", "caching_sha2_password", .. common, .. tls],
            ["serve", "postgres", .. common, .. tls, .. resume],
            ["serve", "postgres", .. common, .. tls, .. resume],
        ];
        foreach (var launch in launches)
        {
            _servers.Add(await ServeProcess.StartAsync(launch));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        try
        {
            if (Postgres.UnavailableReason is null)
            {
                _ = await Postgres.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE;");
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static ProcessOutcome Check(ProcessOutcome outcome) =>
        outcome.ExitCode == 0 ? outcome : throw new InvalidOperationException("handshake failed:\n" + outcome.Combined);

    private void WriteKeys()
    {
        File.WriteAllText(Path.Combine(_directory, "unknown-user.key"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        File.WriteAllText(Path.Combine(_directory, "resume.key"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        using (var rsa = RSA.Create(2048))
        {
            File.WriteAllText(RsaKeyPath, rsa.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(RsaPublicKeyPath, rsa.ExportSubjectPublicKeyInfoPem());
        }

        using var tlsKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", tlsKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_directory, "key.pem"), tlsKey.ExportPkcs8PrivateKeyPem());
    }

    [GeneratedRegex("otpauth://totp/[^ ]*[?&]secret=([A-Z2-7]+)")]
    private static partial Regex SecretInUri();
}
