using System.Net.Security;

namespace Handshake.Protocols.PostgreSql;

/// <summary>What the client sends in its startup phase and how it treats TLS.</summary>
public sealed class PostgreSqlClientOptions
{
    /// <summary>The default bound on one backend message's body (1 MiB).</summary>
    public const int DefaultMaxMessageLength = 1024 * 1024;

    /// <summary>Gets or sets the database to connect to; null or empty lets the server use the user name.</summary>
    public string? Database { get; set; }

    /// <summary>Gets or sets the TLS mode. Default <see cref="PostgreSqlSslMode.Prefer"/>, as libpq.</summary>
    public PostgreSqlSslMode SslMode { get; set; } = PostgreSqlSslMode.Prefer;

    /// <summary>Gets or sets the host name the server's certificate must name (SNI and <see cref="PostgreSqlSslMode.VerifyFull"/>).</summary>
    public string TargetHost { get; set; } = "localhost";

    /// <summary>
    /// Gets or sets a callback that decides whether the server's certificate is trusted, replacing the
    /// default chain and name check under <see cref="PostgreSqlSslMode.VerifyFull"/> (pin a test certificate this way).
    /// Not consulted under <see cref="PostgreSqlSslMode.Prefer"/> or <see cref="PostgreSqlSslMode.Require"/>, which do not check.
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>Gets extra startup parameters (e.g. <c>application_name</c>); <c>user</c> and <c>database</c> are set from the credentials and <see cref="Database"/>.</summary>
    public IDictionary<string, string> StartupParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the largest backend message body accepted during the startup phase. Default 1 MiB.</summary>
    public int MaxMessageLength { get; set; } = DefaultMaxMessageLength;

    /// <summary>Gets or sets how long the whole startup phase (TLS, authentication, ReadyForQuery) may take. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
