using System.Net;
using System.Net.Sockets;
using Handshake.Protocols.MySql.Internal;

namespace Handshake.Protocols.MySql.Tests;

/// <summary>A scripted MySQL server over a loopback TCP pair: the test writes each server packet and reads each client packet.</summary>
internal sealed class ScriptedMySqlServer : IAsyncDisposable
{
    public const MySqlCapabilities BaseCapabilities = MySqlCapabilities.LongPassword | MySqlCapabilities.Protocol41 | MySqlCapabilities.SecureConnection
        | MySqlCapabilities.PluginAuth | MySqlCapabilities.PluginAuthLenencClientData | MySqlCapabilities.Transactions;

    private readonly TcpClient _client;
    private readonly TcpClient _server;

    private ScriptedMySqlServer(TcpClient client, TcpClient server)
    {
        _client = client;
        _server = server;
        ClientStream = client.GetStream();
        Channel = new MySqlPacketChannel(server.GetStream(), 1024 * 1024);
    }

    public Stream ClientStream { get; }

    public MySqlPacketChannel Channel { get; }

    public static async Task<ScriptedMySqlServer> CreateAsync(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync(cancellationToken);
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cancellationToken);
        return new ScriptedMySqlServer(client, await accept);
    }

    public static byte[] Greeting(string plugin, ReadOnlySpan<byte> scramble, MySqlCapabilities capabilities = BaseCapabilities)
    {
        var caps = (uint)capabilities;
        return new PayloadWriter()
            .Byte(10).NulString("5.7.99-scripted").UInt32(7)
            .Bytes(scramble[..8]).Byte(0)
            .UInt16((ushort)caps).Byte(45).UInt16(2).UInt16((ushort)(caps >> 16))
            .Byte((byte)(scramble.Length + 1)).Zeros(10)
            .Bytes(scramble[8..]).Byte(0)
            .NulString(plugin)
            .Written.ToArray();
    }

    public static byte[] Named(byte marker, string plugin, ReadOnlySpan<byte> data) => MySqlPackets.NamedData(marker, plugin, data).ToArray();

    public Task SendAsync(ReadOnlyMemory<byte> payload) => Channel.WriteAsync(payload, CancellationToken.None).AsTask();

    public Task<byte[]> ReadAsync() => Channel.ReadAsync(CancellationToken.None).AsTask();

    /// <summary>Reads HandshakeResponse41 (with PLUGIN_AUTH_LENENC_CLIENT_DATA) and returns the user, auth data and plugin.</summary>
    public async Task<(string User, byte[] AuthData, string Plugin, MySqlCapabilities Capabilities)> ReadResponseAsync()
    {
        var payload = await ReadAsync();
        var reader = new PayloadReader(payload, "test response");
        var capabilities = (MySqlCapabilities)reader.ReadUInt32();
        _ = reader.ReadBytes(4 + 1 + 23);
        var user = reader.ReadNulString();
        var auth = reader.ReadBytes((int)reader.ReadLengthEncodedInteger()).ToArray();
        var plugin = reader.ReadNulString(toEndIfUnterminated: true);
        return (user, auth, plugin, capabilities);
    }

    public async ValueTask DisposeAsync()
    {
        await ClientStream.DisposeAsync();
        _client.Dispose();
        _server.Dispose();
    }
}
