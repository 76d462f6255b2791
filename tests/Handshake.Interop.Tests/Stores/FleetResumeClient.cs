using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Handshake.Plugins.Resume;
using Handshake.Plugins.Scram;
using Handshake.Protocols.PostgreSql;
using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Interop.Tests.Stores;

/// <summary>
/// Our own PostgreSQL client (<see cref="PostgreSqlStartup"/> with SCRAM-SHA-256[-PLUS] and the resume
/// plugin) against `serve postgres --resume`, over TLS with the fleet's certificate verified. One token
/// cache for the fleet's server identity: a token from A is presented to B as it would be by a pooled
/// client that does not care which instance answers.
/// </summary>
internal sealed class FleetResumeClient : IAsyncDisposable
{
    public const string ServerIdentity = "handshake-fleet";

    private readonly ServiceProvider _services;
    private readonly X509Certificate2 _ca;

    public FleetResumeClient(string caPath)
    {
        _ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
        var services = new ServiceCollection();
        services.AddSingleton<IResumeTokenCache>(Cache);
        services.AddHandshake().AddScram().AddResume(o => o.ServerIdentity = ServerIdentity);
        _services = services.BuildServiceProvider();
    }

    public InMemoryResumeTokenCache Cache { get; } = new();

    /// <summary>Logs in (resuming when a token is cached; with the password, if given, for a full login), then asks for a resume token with SHOW; Terminate at the end.</summary>
    public async Task<Login> LoginAsync(int port, string user, string? password)
    {
        using var credentials = password is null ? new AuthCredentials(user) : AuthCredentials.FromPasswords(user, password);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, limit.Token);
        var options = new PostgreSqlClientOptions { TlsMode = ClientTlsMode.VerifyFull, TargetHost = "localhost", Database = "db" };
        options.TrustedRootCertificates.Add(_ca);
        PostgreSqlStartupResult startup;
        try
        {
            startup = await PostgreSqlStartup.ConnectAsync(tcp.GetStream(), options, _services.GetRequiredService<IAuthNegotiatorFactory>(), credentials, limit.Token);
        }
        catch (HandshakeException ex)
        {
            return new Login(null, ex, null);
        }

        try
        {
            var token = await ShowResumeTokenAsync(startup.Stream, limit.Token);
            await startup.Stream.WriteAsync(new byte[] { (byte)'X', 0, 0, 0, 4 }, limit.Token);
            return new Login(startup.Authentication, null, token);
        }
        finally
        {
            await startup.Stream.DisposeAsync();
        }
    }

    /// <summary>Caches the token a full login received (what an application does with the SHOW answer).</summary>
    public void Remember(string user, string base64Token)
    {
        using var token = new ResumeToken(Convert.FromBase64String(base64Token));
        Cache.Store(ServerIdentity, user, token);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _ca.Dispose();
    }

    /// <summary>The simple query protocol: Query, then RowDescription/DataRow/CommandComplete or ErrorResponse, then ReadyForQuery.</summary>
    private static async Task<string?> ShowResumeTokenAsync(Stream stream, CancellationToken cancellationToken)
    {
        var sql = Encoding.ASCII.GetBytes("SHOW handshake.resume_token\0");
        var query = new byte[5 + sql.Length];
        query[0] = (byte)'Q';
        BinaryPrimitives.WriteInt32BigEndian(query.AsSpan(1), 4 + sql.Length);
        sql.CopyTo(query, 5);
        await stream.WriteAsync(query, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        string? value = null;
        var header = new byte[5];
        while (true)
        {
            await stream.ReadExactlyAsync(header, cancellationToken);
            var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            Assert.InRange(length, 4, 64 * 1024);
            var body = new byte[length - 4];
            await stream.ReadExactlyAsync(body, cancellationToken);
            switch ((char)header[0])
            {
                case 'D':
                    // DataRow: Int16 column count, then Int32 length and the bytes per column.
                    var size = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(2));
                    value = Encoding.ASCII.GetString(body, 6, size);
                    break;
                case 'Z':
                    return value;
            }
        }
    }

    /// <summary>One login: the result (or the client's exception) and the token SHOW returned, if any.</summary>
    internal sealed record Login(AuthResult? Result, HandshakeException? Error, string? Token)
    {
        public string? Mechanism => Result?.Factors is [var first, ..] ? first.Mechanism : null;

        public override string ToString() => Result?.ToString() ?? $"failed: {Error?.Code} {Error?.Message}";
    }
}
