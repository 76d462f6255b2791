namespace Handshake.Protocols.PostgreSql;

/// <summary>
/// What the client sends in its startup phase: the database and startup parameters. TLS (libpq's
/// <c>sslmode</c> as <see cref="AdapterClientOptions.TlsMode"/>, default Prefer), trust, message limits and
/// deadlines are the ones every adapter shares (<see cref="AdapterClientOptions"/>).
/// </summary>
public sealed class PostgreSqlClientOptions : AdapterClientOptions
{
    /// <summary>The default bound on one backend message's body (1 MiB).</summary>
    public const int DefaultMaxMessageLength = 1024 * 1024;

    /// <summary>Initializes the options with PostgreSQL's defaults.</summary>
    public PostgreSqlClientOptions()
        : base(DefaultMaxMessageLength)
    {
    }

    /// <summary>Gets or sets the database to connect to; null or empty lets the server use the user name.</summary>
    public string? Database { get; set; }

    /// <summary>Gets extra startup parameters (e.g. <c>application_name</c>); <c>user</c> and <c>database</c> are set from the credentials and <see cref="Database"/>.</summary>
    public IDictionary<string, string> StartupParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
