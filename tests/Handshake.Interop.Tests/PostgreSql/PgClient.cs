using System.Net.Sockets;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.PostgreSql;

/// <summary>Our client (<see cref="PostgreSqlStartup"/>) over a loopback TCP connection.</summary>
internal static class PgClient
{
    /// <summary>Connects, runs the startup phase, and sends Terminate; the TCP connection is closed afterwards.</summary>
    public static async Task<PostgreSqlStartupResult> ConnectAsync(
        string host,
        int port,
        string user,
        string password,
        PostgreSqlClientOptions options,
        ScramChannelBinding channelBinding = ScramChannelBinding.Prefer)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddScram(o => o.ChannelBinding = channelBinding);
        await using var sp = services.BuildServiceProvider();
        using var tcp = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await tcp.ConnectAsync(host, port, cts.Token);
        await using var stream = tcp.GetStream();
        var result = await PostgreSqlStartup.ConnectAsync(stream, options, sp.GetRequiredService<IAuthNegotiatorFactory>(), AuthCredentials.FromPasswords(user, password), cts.Token);
        try
        {
            // Terminate ('X', length 4): a polite goodbye, so the server logs no "unexpected EOF".
            await result.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, cts.Token);
            await result.Stream.FlushAsync(cts.Token);
        }
        finally
        {
            if (!ReferenceEquals(result.Stream, stream))
            {
                await result.Stream.DisposeAsync();
            }
        }

        return result;
    }
}
