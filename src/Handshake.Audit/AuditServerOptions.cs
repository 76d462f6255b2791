using System.Security.Cryptography.X509Certificates;

namespace Handshake.Audit;

/// <summary>How a scenario server runs: the credentials it accepts in honest steps, its deadline, its certificate, its port.</summary>
public sealed class AuditServerOptions
{
    /// <summary>The user name honest steps expect (any name is accepted; it only appears in error messages).</summary>
    public const string DefaultUserName = "audit";

    /// <summary>The password honest steps accept. A published test value, not a secret: give it to the client under audit.</summary>
    public const string DefaultPassword = "handshake-audit-password";

    /// <summary>The default deadline of one connection.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the user name shown in the server's messages.</summary>
    public string UserName { get; set; } = DefaultUserName;

    /// <summary>Gets or sets the password the honest steps accept (SCRAM-SHA-256 credential, mysql_native_password scramble).</summary>
    public string Password { get; set; } = DefaultPassword;

    /// <summary>
    /// Gets or sets how long one connection may last. A client still connected and silent then is <see cref="AuditClientBehavior.Hung"/>:
    /// give the client a timeout shorter than this for the stall scenarios.
    /// </summary>
    public TimeSpan Deadline { get; set; } = DefaultDeadline;

    /// <summary>Gets or sets the certificate TLS scenarios present; null makes a self-signed ECDSA P-256 one (CN=localhost, SAN 127.0.0.1) in process.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Gets or sets the TCP port <see cref="AuditServer"/> listens on at 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Gets or sets how many connections one <see cref="AuditServer"/> serves (libpq's sslmode=prefer retries without TLS after an error); more are closed at once.</summary>
    public int MaxConnections { get; set; } = 4;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(UserName);
        ArgumentNullException.ThrowIfNull(Password);
        if (Deadline <= TimeSpan.Zero || Deadline > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(Deadline), Deadline, "The deadline must be more than zero and at most 5 minutes.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxConnections, 64);
    }
}
