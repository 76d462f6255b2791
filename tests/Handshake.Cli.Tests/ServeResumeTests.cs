using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Tests;

/// <summary>
/// <c>serve postgres --resume</c> with the users in memory: a full login over TLS reads its token with
/// SHOW, the next connection resumes with it and gets the rotated one; over plain TCP no token is issued.
/// <c>--stats</c> prints its line at shutdown. (With a shared store: tests/Handshake.Interop.Tests, FleetTests.)
/// </summary>
public sealed partial class ServeResumeTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private const string Identity = "serve-resume-tests";
    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-serve-resume-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ServeResume_FullLoginOverTls_TokenFromShowResumesTwiceInMemory()
    {
        var (cert, key) = TestCertificates.Write(_directory);
        await using var server = await CliHost.StartServeAsync("postgres", "--port", "0", "--users", UsersJson(), "--tls-cert", cert, "--tls-key", key, "--resume", "--stats");
        using var ca = X509CertificateLoader.LoadCertificateFromFile(cert);
        var cache = new InMemoryResumeTokenCache();
        var services = new ServiceCollection();
        services.AddSingleton<IResumeTokenCache>(cache);
        services.AddHandshake().AddScram().AddResume(o => o.ServerIdentity = Identity);
        await using var provider = services.BuildServiceProvider();

        var (full, token) = await LoginAsync(provider, server.Port, ca);
        Assert.Equal("SCRAM-SHA-256-PLUS", full);
        Assert.NotNull(token);
        using (var issued = new ResumeToken(Convert.FromBase64String(token)))
        {
            cache.Store(Identity, "alice", issued);
        }

        for (var i = 0; i < 2; i++)
        {
            var (resumed, none) = await LoginAsync(provider, server.Port, ca);
            Assert.Equal(ResumePluginNames.Resume, resumed);
            Assert.Null(none);
        }

        var (plain, noToken) = await LoginAsync(provider, server.Port, ca: null);
        Assert.Equal("SCRAM-SHA-256", plain);
        Assert.Null(noToken);

        Assert.Equal(ExitCodes.Success, await server.StopAsync());
        Assert.Contains("resume token issued (family ", server.Output, StringComparison.Ordinal);
        Assert.Contains("resume Accepted (family ", server.Output, StringComparison.Ordinal);
        Assert.Contains("no resume token (no TLS", server.Output, StringComparison.Ordinal);
        Assert.Matches(Stats(), server.Output);
        Assert.DoesNotContain(token, server.Output + server.Error, StringComparison.Ordinal);
    }

    private static async Task<(string? Mechanism, string? Token)> LoginAsync(ServiceProvider provider, int port, X509Certificate2? ca)
    {
        using var limit = new CancellationTokenSource(CliHost.RunLimit);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, limit.Token);
        var options = new PostgreSqlClientOptions { TlsMode = ca is null ? ClientTlsMode.Disable : ClientTlsMode.VerifyFull, TargetHost = "localhost", Database = "db" };
        if (ca is not null)
        {
            options.TrustedRootCertificates.Add(ca);
        }

        var startup = await PostgreSqlStartup.ConnectAsync(tcp.GetStream(), options, provider.GetRequiredService<IAuthNegotiatorFactory>(), AuthCredentials.FromPasswords("alice", Password), limit.Token);
        try
        {
            var sql = Encoding.ASCII.GetBytes("SHOW handshake.resume_token\0");
            var query = new byte[5 + sql.Length];
            query[0] = (byte)'Q';
            BinaryPrimitives.WriteInt32BigEndian(query.AsSpan(1), 4 + sql.Length);
            sql.CopyTo(query, 5);
            await startup.Stream.WriteAsync(query, limit.Token);
            string? token = null;
            var header = new byte[5];
            while (true)
            {
                await startup.Stream.ReadExactlyAsync(header, limit.Token);
                var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
                await startup.Stream.ReadExactlyAsync(body, limit.Token);
                if (header[0] == (byte)'D')
                {
                    token = Encoding.ASCII.GetString(body, 6, BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(2)));
                }
                else if (header[0] == (byte)'Z')
                {
                    break;
                }
            }

            await startup.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, limit.Token);
            return (startup.Mechanism, token);
        }
        finally
        {
            if (!ReferenceEquals(startup.Stream, tcp.GetStream()))
            {
                await startup.Stream.DisposeAsync();
            }
        }
    }

    private string UsersJson()
    {
        var path = Path.Combine(_directory, "users.json");
        var scram = ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).Format();
        File.WriteAllText(path, $$"""{"users":[{"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"}]}]}""");
        return path;
    }

    [GeneratedRegex(@"stats: 4 connection\(s\); since the first: \d+ bytes allocated, 0 store command\(s\)")]
    private static partial Regex Stats();
}
