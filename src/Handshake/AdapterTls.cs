using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Handshake;

/// <summary>
/// The TLS upgrade every protocol adapter performs, in one place, so "certificate verified" means the
/// same in every protocol: the chain was trusted and the certificate named the target host
/// (<see cref="ClientTlsMode.VerifyFull"/>), checked by the library itself. A user's callback can refuse
/// more, or accept more, but what only the callback accepted never opens the cleartext gate.
/// </summary>
public static class AdapterTls
{
    /// <summary>Runs the client side of a TLS handshake over <paramref name="inner"/> as <paramref name="options"/> demand.</summary>
    /// <param name="inner">The connection; it stays open when the TLS stream is disposed.</param>
    /// <param name="options">The adapter's client options (mode, host, trust, callback).</param>
    /// <param name="cancellationToken">Ends the TLS handshake.</param>
    /// <returns>The TLS stream and the facts the engine and plugins see about it.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.PolicyViolation"/> when the certificate is refused; <see cref="AuthErrorCode.TransportFailure"/> when the connection fails.</exception>
    public static async ValueTask<(SslStream Stream, TransportSecurity Security)> AuthenticateAsClientAsync(Stream inner, AdapterClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        if (options.TlsMode == ClientTlsMode.Disable)
        {
            throw new ArgumentException("TLS was asked for with ClientTlsMode.Disable.", nameof(options));
        }

        var verified = false;
        var mode = options.TlsMode;
        var userCallback = options.RemoteCertificateValidationCallback;
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = options.TargetHost,
            ClientCertificates = options.ClientCertificates,
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                var libraryErrors = mode == ClientTlsMode.VerifyCA ? errors & ~SslPolicyErrors.RemoteCertificateNameMismatch : errors;
                var libraryAccepts = mode is ClientTlsMode.Prefer or ClientTlsMode.Require || libraryErrors == SslPolicyErrors.None;
                var accepted = userCallback is null ? libraryAccepts : userCallback(sender, certificate, chain, errors);
                verified = accepted && mode == ClientTlsMode.VerifyFull && errors == SslPolicyErrors.None;
                return accepted;
            },
        };
        if (options.TrustedRootCertificates.Count > 0)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(options.TrustedRootCertificates);
            authentication.CertificateChainPolicy = policy;
        }

        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The TLS handshake failed, or the server's certificate was not trusted for '{PeerText.Printable(options.TargetHost)}' under TLS mode {mode}. Trust the server's CA (TrustedRootCertificates) or check the host name.", innerException: ex);
        }
        catch (IOException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HandshakeException(AuthErrorCode.TransportFailure, "The connection failed during the TLS handshake.", innerException: ex);
        }
        catch (OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var server = ssl.RemoteCertificate is { } remote ? remote as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()) : null;
        return (ssl, new TransportSecurity { IsEncrypted = true, IsCertificateVerified = verified, ServerCertificate = server });
    }

    /// <summary>Runs the server side of a TLS handshake over <paramref name="inner"/> with <paramref name="certificate"/>.</summary>
    /// <param name="inner">The connection; it stays open when the TLS stream is disposed.</param>
    /// <param name="certificate">The server's certificate, with its private key.</param>
    /// <param name="cancellationToken">Ends the TLS handshake.</param>
    /// <returns>The TLS stream and the facts the engine and verifiers see about it.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.TransportFailure"/> when the client's TLS handshake fails.</exception>
    public static async ValueTask<(SslStream Stream, TransportSecurity Security)> AuthenticateAsServerAsync(Stream inner, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(certificate);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HandshakeException(AuthErrorCode.TransportFailure, "The TLS handshake with the client failed.", innerException: ex);
        }
        catch (OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Server side, "verified" is TransportSecurity's server meaning: this end presented its own certificate.
        return (ssl, new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = certificate });
    }
}
