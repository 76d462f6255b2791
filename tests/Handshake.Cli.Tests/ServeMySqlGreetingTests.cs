using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Handshake.Cli.Protocols;
using Handshake.Plugins.NativePassword;

namespace Handshake.Cli.Tests;

/// <summary>What serve's MySQL command phase assumes about the adapter's greeting, read off the wire.</summary>
public sealed class ServeMySqlGreetingTests : IDisposable
{
    // CLIENT_DEPRECATE_EOF (MySQL include/mysql_com.h).
    private const uint DeprecateEof = 0x01000000;

    private readonly string _directory = Directory.CreateTempSubdirectory("handshake-greeting-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ServeMySql_Greeting_OffersDeprecateEofExactlyAsTheCommandPhaseAssumes()
    {
        var users = Path.Combine(_directory, "users.json");
        await File.WriteAllTextAsync(users, $$"""{"users":[{"name":"bob","factors":[{"plugin":"mysql_native_password","stored":"{{NativePasswordCredential.FromPassword("pw-greeting").Format()}}"}]}]}""");
        await using var server = await CliHost.StartServeAsync("mysql", "--port", "0", "--users", users);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var stream = client.GetStream();
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, limit.Token);
        var payload = new byte[header[0] | (header[1] << 8) | (header[2] << 16)];
        await stream.ReadExactlyAsync(payload, limit.Token);

        // Handshake v10: protocol, server version NUL, connection id (4), scramble (8), filler, capabilities low (2),
        // character set, status (2), capabilities high (2).
        var at = Array.IndexOf(payload, (byte)0, 1) + 1 + 4 + 8 + 1;
        var capabilities = BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(at)) | ((uint)BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(at + 5)) << 16);

        Assert.Equal(10, payload[0]);
        Assert.Equal(MySqlCliProtocol.AdapterOffersDeprecateEof, (capabilities & DeprecateEof) != 0);
    }
}
