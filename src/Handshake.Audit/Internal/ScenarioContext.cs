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
    private Stream? _inner;
    private CancellationTokenRegistration _closeOnCancel;

    public Stream Stream { get; private set; } = stream;

    public SessionFacts Facts { get; } = facts;

    public AuditServerOptions Options { get; } = options;

    public CancellationToken Token { get; } = token;

    public TimeSpan Elapsed => _clock.Elapsed;

    public X509Certificate2 Certificate => Options.Certificate ?? AuditCertificates.Default;

    /// <summary>Gets the certificate the client was shown (null before TLS).</summary>
    public X509Certificate2? PresentedCertificate { get; private set; }

    /// <summary>Upgrades to TLS presenting a self-signed Ed25519 certificate (BouncyCastle's TLS server: SslStream cannot).</summary>
    public async Task UpgradeToEd25519TlsAsync()
    {
        var inner = Stream;

        // BouncyCastle's stream blocks in Read, whatever the token says: closing the connection at the deadline
        // (or when the test reports) unblocks it, for the handshake and for every read after it.
        _closeOnCancel = Token.Register(inner.Dispose);
        try
        {
            Stream = await Task.Run(() => Ed25519TlsServer.Accept(inner), Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or Org.BouncyCastle.Tls.TlsFatalAlert or Org.BouncyCastle.Tls.TlsFatalAlertReceived or ObjectDisposedException)
        {
            Token.ThrowIfCancellationRequested();
            Facts.Add("client: TLS handshake failed (" + ex.GetType().Name + ")");
            throw new ClientClosedException("TLS handshake failed", ex);
        }

        _inner = inner;
        PresentedCertificate = X509CertificateLoader.LoadCertificate(Ed25519TlsServer.Identity.CertificateDer);
        Facts.UsedTls = true;
        Facts.Add("tls: established with an Ed25519 certificate");
    }

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
        PresentedCertificate = Certificate;
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
        await _closeOnCancel.DisposeAsync().ConfigureAwait(false);
        if (_tls is not null)
        {
            await _tls.DisposeAsync().ConfigureAwait(false);
        }

        if (_inner is not null)
        {
            // The BouncyCastle stream: closing it sends close_notify; the session closes the socket itself.
            try
            {
                await Stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The client is gone already.
            }
        }
    }
}
