using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Handshake.Cli.Tests;

/// <summary>
/// A loopback server that answers the PostgreSQL startup phase the way PgBouncer (auth_type scram-sha-256)
/// does: TLS when asked (it ends TLS itself, so it offers SCRAM-SHA-256 without -PLUS), and a wrong proof
/// ends in ErrorResponse FATAL 08P01 "SASL authentication failed". One connection, every wait bounded.
/// </summary>
internal sealed class FakePgBouncer : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new(Limit);
    private readonly Task _serving;

    public FakePgBouncer(X509Certificate2? certificate)
    {
        _certificate = certificate;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Gets a value indicating whether the client sent its final SCRAM message (a proof).</summary>
    public bool ReceivedProof { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _serving.WaitAsync(Limit);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away first; nothing to report.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        Stream stream = client.GetStream();
        var token = _stop.Token;
        var startup = await ReadStartupAsync(stream, token);
        if (BinaryPrimitives.ReadInt32BigEndian(startup) == 80877103)
        {
            // SSLRequest (PostgreSQL protocol section 54.2.10).
            await stream.WriteAsync(new[] { _certificate is null ? (byte)'N' : (byte)'S' }, token);
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, token);
                stream = ssl;
            }

            _ = await ReadStartupAsync(stream, token);
        }

        await using (stream)
        {
            // AuthenticationSASL: only SCRAM-SHA-256, as PgBouncer offers.
            await WriteAsync(stream, (byte)'R', [.. Int32(10), .. "SCRAM-SHA-256\0\0"u8], token);
            var (type, first) = await ReadMessageAsync(stream, token);
            if (type != 'p')
            {
                return;
            }

            // SASLInitialResponse: mechanism\0, Int32 length, client-first-message.
            var nul = Array.IndexOf(first, (byte)0);
            var clientFirst = Encoding.UTF8.GetString(first, nul + 5, first.Length - nul - 5);
            var nonce = clientFirst[(clientFirst.IndexOf("r=", StringComparison.Ordinal) + 2)..];
            var serverFirst = $"r={nonce}pgbouncerfake,s={Convert.ToBase64String(new byte[16])},i=4096";
            await WriteAsync(stream, (byte)'R', [.. Int32(11), .. Encoding.UTF8.GetBytes(serverFirst)], token);
            (type, _) = await ReadMessageAsync(stream, token);
            ReceivedProof = type == 'p';

            // Whatever the proof: this fake knows no password, so every login is a wrong one.
            await WriteAsync(stream, (byte)'E', [.. "SFATAL\0VFATAL\0C08P01\0MSASL authentication failed\0\0"u8], token);
            await stream.FlushAsync(token);
            _ = await stream.ReadAsync(new byte[1], token);
        }
    }

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static async Task<byte[]> ReadStartupAsync(Stream stream, CancellationToken token)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, token);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header) - 4];
        await stream.ReadExactlyAsync(body, token);
        return body;
    }

    private static async Task<(char Type, byte[] Body)> ReadMessageAsync(Stream stream, CancellationToken token)
    {
        var header = new byte[5];
        if (await stream.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, token) < 5)
        {
            return ('\0', []);
        }

        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
        await stream.ReadExactlyAsync(body, token);
        return ((char)header[0], body);
    }

    private static async Task WriteAsync(Stream stream, byte type, byte[] body, CancellationToken token)
    {
        await stream.WriteAsync(new[] { type }, token);
        await stream.WriteAsync(Int32(body.Length + 4), token);
        await stream.WriteAsync(body, token);
        await stream.FlushAsync(token);
    }
}
