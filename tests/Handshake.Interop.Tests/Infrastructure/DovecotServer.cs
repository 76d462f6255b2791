using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Handshake.Interop.Tests.Infrastructure;

/// <summary>
/// The Dovecot 2.3 that tests/run.sh started on 127.0.0.1: IMAP (STARTTLS), imaps, submission (STARTTLS)
/// and submissions, TLS with the self-signed certificate in HANDSHAKE_SERVER_CA, a passwd-file passdb
/// with one {SCRAM-SHA-256} user and one {SCRAM-SHA-1} user sharing a generated password.
/// </summary>
public sealed class DovecotServer
{
    public DovecotServer()
    {
        var imap = InteropEnvironment.Get("HANDSHAKE_DOVECOT_IMAP_PORT");
        var password = InteropEnvironment.Get("HANDSHAKE_DOVECOT_PASSWORD");
        var ca = InteropEnvironment.Get("HANDSHAKE_SERVER_CA");
        if (imap is null || password is null || ca is null)
        {
            UnavailableReason = "Dovecot (HANDSHAKE_DOVECOT_IMAP_PORT, HANDSHAKE_DOVECOT_PASSWORD, HANDSHAKE_SERVER_CA)";
            return;
        }

        ImapPort = int.Parse(imap, CultureInfo.InvariantCulture);
        ImapsPort = Port("HANDSHAKE_DOVECOT_IMAPS_PORT");
        SubmissionPort = Port("HANDSHAKE_DOVECOT_SUBMISSION_PORT");
        SubmissionsPort = Port("HANDSHAKE_DOVECOT_SUBMISSIONS_PORT");
        Password = password;
        ScramSha256User = InteropEnvironment.Get("HANDSHAKE_DOVECOT_SCRAM256_USER") ?? "scram256";
        ScramSha1User = InteropEnvironment.Get("HANDSHAKE_DOVECOT_SCRAM1_USER") ?? "scram1";
        Certificate = X509CertificateLoader.LoadCertificateFromFile(ca);
    }

    /// <summary>Gets what is missing, or null when the server is there.</summary>
    public string? UnavailableReason { get; }

    public string Host { get; } = "127.0.0.1";

    public int ImapPort { get; }

    public int ImapsPort { get; }

    public int SubmissionPort { get; }

    public int SubmissionsPort { get; }

    public string Password { get; } = "";

    public string ScramSha256User { get; } = "";

    public string ScramSha1User { get; } = "";

    /// <summary>Gets the server's self-signed certificate, to trust as the only root.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Throws (fails the test) when tests/run.sh did not start the server.</summary>
    public void EnsureAvailable()
    {
        if (UnavailableReason is not null)
        {
            throw InteropEnvironment.Missing("Dovecot", UnavailableReason);
        }
    }

    private static int Port(string name) =>
        int.Parse(InteropEnvironment.Get(name) ?? throw InteropEnvironment.Missing("Dovecot", name), CultureInfo.InvariantCulture);
}
