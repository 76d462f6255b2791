using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Audit.Internal;

/// <summary>One connection being served: the stream (replaced by TLS when the client upgrades), the facts, the deadline.</summary>
internal sealed class ScenarioContext(Stream stream, SessionFacts facts, AuditServerOptions options, CancellationToken token)
{
    private const int MaxDiscardedBytes = 1024 * 1024;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private SslStream? _tls;

    public Stream Stream { get; private set; } = stream;

    public SessionFacts Facts { get; } = facts;

    public AuditServerOptions Options { get; } = options;

    public CancellationToken Token { get; } = token;

    public TimeSpan Elapsed => _clock.Elapsed;

    public X509Certificate2 Certificate => Options.Certificate ?? AuditCertificates.Default;

    public async Task UpgradeToTlsAsync()
    {
        var tls = new SslStream(Stream, leaveInnerStreamOpen: true);
        _tls = tls;
        try
        {
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions { ServerCertificate = Certificate, ClientCertificateRequired = false },
                Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            Facts.Add("client: TLS handshake failed (" + ex.GetType().Name + ")");
            throw new ClientClosedException("TLS handshake failed", ex);
        }

        Stream = tls;
        Facts.UsedTls = true;
        Facts.Add($"tls: {tls.SslProtocol} established");
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> data) => WireIo.WriteAsync(Stream, data, Token);

    /// <summary>Marks the hostile message as sent, for rules that time the client's reaction.</summary>
    public void HostileMessageSent() => Facts.HostileMessageSentAt = Elapsed;

    /// <summary>Waits for the client to close, discarding what it sends (bounded), until the deadline.</summary>
    public async Task WaitForCloseAsync()
    {
        var buffer = new byte[4096];
        var total = 0;
        while (total < MaxDiscardedBytes)
        {
            int read;
            try
            {
                read = await Stream.ReadAsync(buffer, Token).ConfigureAwait(false);
            }
            catch (IOException ex) when (!Token.IsCancellationRequested)
            {
                throw new ClientClosedException("The connection broke.", ex);
            }

            if (read == 0)
            {
                throw new ClientClosedException();
            }

            total += read;
        }

        throw new ClientProtocolException("the client kept sending after the server was done");
    }

    public async ValueTask DisposeTlsAsync()
    {
        if (_tls is not null)
        {
            await _tls.DisposeAsync().ConfigureAwait(false);
        }
    }
}
