using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// The TLS handshake for both roles, and the facts it establishes (<see cref="TransportSecurity"/>): the
/// same facts every adapter hands the engine, so SCRAM-*-PLUS binds to the same tls-server-end-point hash.
/// </summary>
internal static class SaslTls
{
    public static async ValueTask<(Stream Stream, TransportSecurity Security)> ClientAsync(Stream inner, SaslClientOptions options, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = options.TargetHost,
            RemoteCertificateValidationCallback = options.RemoteCertificateValidationCallback,
        };
        if (options.RemoteCertificateValidationCallback is null && options.TrustedRootCertificates.Count > 0)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(options.TrustedRootCertificates);
            authentication.CertificateChainPolicy = policy;
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The TLS handshake failed or the server's certificate was not trusted for '{SaslErrors.Printable(options.TargetHost)}'.", innerException: ex);
        }
        catch (IOException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw SaslErrors.Transport("The connection failed during the TLS handshake.", ex);
        }

        var certificate = ssl.RemoteCertificate is { } remote ? remote as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()) : null;

        // The handshake only completes when the chain and name checked out (or the caller's callback said yes).
        return (ssl, new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = certificate });
    }

    public static async ValueTask<(Stream Stream, TransportSecurity Security)> ServerAsync(Stream inner, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw SaslErrors.Transport("The TLS handshake with the client failed.", ex);
        }

        // Server side: "verified" means the server presented its certificate (TransportSecurity's server meaning).
        return (ssl, new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = certificate });
    }
}
