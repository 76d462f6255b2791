using System.Security.Cryptography.X509Certificates;

namespace Handshake.Protocols.PostgreSql;

/// <summary>How the server side of the startup phase behaves.</summary>
public sealed class PostgreSqlAcceptorOptions
{
    /// <summary>Gets or sets the certificate (with private key) for TLS; null answers every SSLRequest with 'N'.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Gets or sets a value indicating whether a client that does not upgrade to TLS is refused (<c>hostssl</c>). Needs <see cref="ServerCertificate"/>.</summary>
    public bool RequireTls { get; set; }

    /// <summary>Gets the ParameterStatus values sent after AuthenticationOk, in order.</summary>
    public IList<KeyValuePair<string, string>> ServerParameters { get; } =
    [
        new("server_version", "15.0 (Handshake)"),
        new("server_encoding", "UTF8"),
        new("client_encoding", "UTF8"),
        new("DateStyle", "ISO, MDY"),
        new("integer_datetimes", "on"),
        new("standard_conforming_strings", "on"),
    ];

    /// <summary>Gets or sets the largest frontend message body accepted. Default 64 KiB (SASL messages are far smaller).</summary>
    public int MaxMessageLength { get; set; } = 64 * 1024;

    /// <summary>Gets or sets how long the startup phase (TLS, StartupMessage, authentication) may take. Default 60 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long an authenticated session may sit idle between queries before it is closed. Default 60 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets what serves the session after ReadyForQuery, given the session's stream (the TLS stream
    /// once upgraded; owned by the session): an application's own query loop. It should end at Terminate or
    /// end of stream and bound its own waits. Null (the default): every query is answered with
    /// feature_not_supported (0A000) until Terminate, under <see cref="IdleTimeout"/> and <see cref="MaxSessionMessages"/>.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? QueryPhase { get; set; }

    /// <summary>Gets or sets how many messages an authenticated session may send before it is closed. Default 1000.</summary>
    public int MaxSessionMessages { get; set; } = 1000;
}
