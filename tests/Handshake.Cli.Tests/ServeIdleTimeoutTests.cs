using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Handshake.Plugins.NativePassword;
using Handshake.Protocols.MySql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Cli.Tests;

/// <summary>serve --idle-timeout: an authenticated client that goes silent is closed after it, not held.</summary>
public sealed class ServeIdleTimeoutTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-idle-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ServeMySql_SilentAfterLogin_IsClosedAfterTheIdleTimeout()
    {
        var users = Path.Combine(_directory, "users.json");
        await File.WriteAllTextAsync(users, $$"""{"users":[{"name":"bob","factors":[{"plugin":"mysql_native_password","stored":"{{NativePasswordCredential.FromPassword("pw-idle").Format()}}"}]}]}""");
        await using var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", users, "--idle-timeout", "1");
        await using var services = new ServiceCollection().AddHandshake().AddNativePassword().Services.BuildServiceProvider();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var credentials = AuthCredentials.FromPasswords("bob", "pw-idle");

        // The server's idle clock starts when it has sent the OK, which is after this watch starts and
        // before the client has read it: timed from here, an early close is below the limit whatever the
        // client's own delays, and a close at the limit is never measured short.
        var watch = Stopwatch.StartNew();
        var login = await MySqlClientConnector.ConnectAsync(client.GetStream(), new MySqlClientOptions { TlsMode = ClientTlsMode.Disable }, services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, limit.Token);

        // Logged in; now silent. The server closes the connection once the idle limit passes.
        var read = await login.Stream.ReadAsync(new byte[16], limit.Token);

        Assert.Equal(0, read);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Serve_IdleTimeoutOutOfRange_IsAUsageError()
    {
        var run = await CliHost.RunAsync(new Dictionary<string, string>(), "serve", "mysql", "--idle-timeout", "0");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--idle-timeout", run.Error, StringComparison.Ordinal);
    }
}
