using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Cli.Internal;

/// <summary>The one reading of <c>--tls-cert</c>/<c>--tls-key</c> for every command that serves TLS.</summary>
internal static class TlsCertificateFiles
{
    /// <summary>Loads a PEM certificate and its private key, or returns null when neither option was given.</summary>
    /// <param name="certificate">The <c>--tls-cert</c> file.</param>
    /// <param name="key">The <c>--tls-key</c> file.</param>
    /// <returns>The certificate with its key, or null.</returns>
    /// <exception cref="CliUsageException">Only one of the two was given, or they do not load as a matching pair.</exception>
    public static X509Certificate2? Load(FileInfo? certificate, FileInfo? key)
    {
        if (certificate is null && key is null)
        {
            return null;
        }

        if (certificate is null || key is null)
        {
            throw new CliUsageException("--tls-cert and --tls-key go together");
        }

        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificate.FullName, key.FullName);

            // Re-import so the key is usable by SslStream on every platform (ephemeral PEM keys are not on Windows).
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliUsageException($"--tls-cert {certificate.Name} / --tls-key {key.Name}: not a readable PEM certificate and matching private key ({ex.GetType().Name})", ex);
        }
    }
}
