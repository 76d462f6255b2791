using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Handshake.Interop.Tests.Stores;
using Handshake.Plugins.NativePassword;
using Handshake.Plugins.Scram;
using MySqlConnector;
using Npgsql;
using Xunit.Abstractions;

namespace Handshake.Interop.Tests.Cli;

/// <summary>
/// <c>handshake serve</c> as a process of its own with 500 idle TCP connections held open (connected,
/// no byte sent) while a real client (Npgsql, MySqlConnector, MailKit over IMAP and SMTP) logs in: the
/// login must not wait behind them.
/// Loopback only; every socket is closed at the end.
/// </summary>
public sealed class ServeIdleConnectionsTests(ITestOutputHelper output) : IDisposable
{
    private const int IdleConnections = 500;
    private const string Password = "idle-peers-Passw0rd";
    private static readonly TimeSpan LoginLimit = TimeSpan.FromSeconds(1);

    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-idle-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    [InlineData("imap")]
    [InlineData("submission")]
    public async Task Serve_500IdleConnectionsHeld_RealClientLogsInUnderOneSecond(string protocol)
    {
        await using var serve = await ServeProcess.StartAsync("serve", protocol, "--port", "0", "--users", UsersJson());

        // Warm both processes up (JIT, the first PBKDF2) so the measured login is one like any other.
        var warm = await LoginAsync(protocol, serve.Port);

        var idle = new List<TcpClient>(IdleConnections);
        try
        {
            for (var i = 0; i < IdleConnections; i++)
            {
                var client = new TcpClient();
                idle.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, serve.Port);
            }

            if (protocol != "postgres")
            {
                // The server speaks first in MySQL, IMAP and SMTP: a greeting on every idle socket proves serve accepted each one.
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var buffer = new byte[4];
                foreach (var client in idle)
                {
                    await client.GetStream().ReadExactlyAsync(buffer, limit.Token);
                }
            }
            else
            {
                // PostgreSQL's client speaks first: give the accept loop a moment to take all of them.
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            var measured = await LoginAsync(protocol, serve.Port);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{protocol}: login with {IdleConnections} idle connections held: {measured.TotalMilliseconds:0} ms (warm-up login {warm.TotalMilliseconds:0} ms)"));
            Assert.True(measured < LoginLimit, string.Create(CultureInfo.InvariantCulture, $"login took {measured.TotalMilliseconds:0} ms with {IdleConnections} idle connections\n{serve.Output}"));
            Assert.DoesNotContain("refused", serve.Output, StringComparison.Ordinal);
            Assert.All(idle, c => Assert.True(c.Connected));
        }
        finally
        {
            foreach (var client in idle)
            {
                client.Dispose();
            }
        }
    }

    private static async Task<TimeSpan> LoginAsync(string protocol, int port)
    {
        var started = Stopwatch.GetTimestamp();
        if (protocol == "postgres")
        {
            // Type loading would query pg_type, which no login test server answers.
            var builder = new NpgsqlConnectionStringBuilder("Server Compatibility Mode=NoTypeLoading")
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "alice",
                Password = Password,
                Database = "app",
                SslMode = SslMode.Disable,
                Pooling = false,
                Timeout = 10,
            };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
        }
        else if (protocol == "imap")
        {
            using var client = new global::MailKit.Net.Imap.ImapClient();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.ConnectAsync("127.0.0.1", port, global::MailKit.Security.SecureSocketOptions.None, limit.Token);
            await client.AuthenticateAsync(new global::MailKit.Security.SaslMechanismScramSha256(new NetworkCredential("alice", Password)), limit.Token);
            await client.DisconnectAsync(quit: true, limit.Token);
        }
        else if (protocol == "submission")
        {
            using var client = new global::MailKit.Net.Smtp.SmtpClient();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.ConnectAsync("127.0.0.1", port, global::MailKit.Security.SecureSocketOptions.None, limit.Token);
            await client.AuthenticateAsync(new global::MailKit.Security.SaslMechanismScramSha256(new NetworkCredential("alice", Password)), limit.Token);
            await client.DisconnectAsync(quit: true, limit.Token);
        }
        else
        {
            var builder = new MySqlConnectionStringBuilder
            {
                Server = "127.0.0.1",
                Port = (uint)port,
                UserID = "bob",
                Password = Password,
                SslMode = MySqlSslMode.None,
                Pooling = false,
                ConnectionTimeout = 10,
            };
            await using var connection = new MySqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private string UsersJson()
    {
        var path = Path.Combine(_directory, "users.json");
        var scram = ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).Format();
        var native = NativePasswordCredential.FromPassword(Password).Format();
        File.WriteAllText(path, $$"""
            {"users":[
              {"name":"alice","factors":[{"plugin":"SCRAM-SHA-256","stored":"{{scram}}"}]},
              {"name":"bob","factors":[{"plugin":"mysql_native_password","stored":"{{native}}"}]}
            ]}
            """);
        return path;
    }
}
