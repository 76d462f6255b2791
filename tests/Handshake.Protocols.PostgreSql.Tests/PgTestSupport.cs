using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Handshake.Plugins.Scram;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Protocols.PostgreSql.Tests;

/// <summary>Loopback plumbing, wire builders and a service provider with SCRAM on both sides.</summary>
internal static class PgTestSupport
{
    public const string User = "alice";
    public const string Password = "correct horse";

    private static readonly Lazy<X509Certificate2> SharedCertificate = new(CreateCertificate);

    public static X509Certificate2 Certificate => SharedCertificate.Value;

    public static ServiceProvider Services(ScramChannelBinding binding = ScramChannelBinding.Prefer, bool allowTrust = false) =>
        new ServiceCollection()
            .AddHandshake(o => o.AllowUnauthenticatedSuccess = allowTrust)
            .AddScram(o => o.ChannelBinding = binding)
            .AddScramVerifier()
            .AddAcceptor(o => o.DefaultPlugin = "SCRAM-SHA-256")
            .AddInMemoryCredentialStore(s => s.AddUser(User, new AuthFactorPolicy("SCRAM-SHA-256", StoredCredential.FromString(ScramCredential.Create(Password, SystemRandomSource.Instance, 4096).Format()))))
            .Services.BuildServiceProvider();

    /// <summary>A connected pair of loopback TCP streams (client, server); disposing the pair closes both.</summary>
    public static async Task<LoopbackPair> ConnectAsync(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptTcpClientAsync(cancellationToken).AsTask();
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cancellationToken);
        var server = await accept;
        return new LoopbackPair(client, server);
    }

    /// <summary>Runs our client against <paramref name="stream"/>.</summary>
    public static Task<PostgreSqlStartupResult> RunClientAsync(IServiceProvider sp, Stream stream, AuthCredentials credentials, PostgreSqlClientOptions options, CancellationToken cancellationToken) =>
        PostgreSqlStartup.ConnectAsync(stream, options, sp.GetRequiredService<IAuthNegotiatorFactory>(), credentials, cancellationToken);

    /// <summary>Runs our acceptor on <paramref name="stream"/>.</summary>
    public static Task<PostgreSqlAcceptorResult> RunAcceptorAsync(IServiceProvider sp, Stream stream, PostgreSqlAcceptorOptions options, CancellationToken cancellationToken) =>
        PostgreSqlAcceptorSession.AcceptAsync(stream, options, sp.GetRequiredService<IAuthAcceptorFactory>(), cancellationToken);

    /// <summary>A typed message: type byte, Int32 length counting itself, body.</summary>
    public static byte[] Message(char type, params byte[][] parts)
    {
        var length = 4 + parts.Sum(p => p.Length);
        var bytes = new byte[1 + length];
        bytes[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), length);
        var offset = 5;
        foreach (var part in parts)
        {
            part.CopyTo(bytes, offset);
            offset += part.Length;
        }

        return bytes;
    }

    /// <summary>An untyped startup-phase packet: Int32 length counting itself, then the parts.</summary>
    public static byte[] StartupPacket(params byte[][] parts)
    {
        var length = 4 + parts.Sum(p => p.Length);
        var bytes = new byte[length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        var offset = 4;
        foreach (var part in parts)
        {
            part.CopyTo(bytes, offset);
            offset += part.Length;
        }

        return bytes;
    }

    public static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] CString(string value) => [.. Encoding.UTF8.GetBytes(value), 0];

    public static byte[] StartupMessage(string user) =>
        StartupPacket(Int32(196608), CString("user"), CString(user), CString("database"), CString("postgres"), [0]);

    /// <summary>Reads one typed message (type, body) from a peer we wrote ourselves; the test's own bound applies.</summary>
    public static async Task<(char Type, byte[] Body)> ReadMessageAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        Assert.InRange(length, 4, 1 << 20);
        var body = new byte[length - 4];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return ((char)header[0], body);
    }

    /// <summary>Reads an untyped startup packet's body (after the length).</summary>
    public static async Task<byte[]> ReadStartupPacketAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        Assert.InRange(length, 8, 10000);
        var body = new byte[length - 4];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return body;
    }

    /// <summary>Parses ErrorResponse fields by their code letter.</summary>
    public static Dictionary<char, string> ErrorFields(byte[] body)
    {
        var fields = new Dictionary<char, string>();
        var offset = 0;
        while (body[offset] != 0)
        {
            var code = (char)body[offset++];
            var end = Array.IndexOf(body, (byte)0, offset);
            fields[code] = Encoding.UTF8.GetString(body, offset, end - offset);
            offset = end + 1;
        }

        return fields;
    }

    public static async Task<SslStream> ClientTlsAsync(Stream stream, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
#pragma warning disable CA5359 // A test client talking to a throwaway self-signed certificate.
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true }, cancellationToken);
#pragma warning restore CA5359
        return ssl;
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}

/// <summary>Two connected loopback streams.</summary>
internal sealed class LoopbackPair(TcpClient client, TcpClient server) : IDisposable
{
    public NetworkStream Client { get; } = client.GetStream();

    public NetworkStream Server { get; } = server.GetStream();

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
        client.Dispose();
        server.Dispose();
    }
}
