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

    /// <summary>
    /// Gets which plugin answers each non-SASL authentication request (the request's body, e.g. MD5's salt, is
    /// the plugin's first server data; its answer goes out as PasswordMessage). The defaults are PostgreSQL's
    /// own method names from <c>pg_hba.conf</c>: <c>password</c> (cleartext), <c>md5</c>, <c>gss</c>, <c>sspi</c>,
    /// and <c>krb5</c> for the retired Kerberos V5. Remove an entry to refuse that request outright, or map
    /// it to the name your plugin is registered under. SASL mechanisms need no entry: the server names them.
    /// </summary>
    public IDictionary<PostgreSqlAuthenticationRequest, string> AuthenticationRequestPlugins { get; } = new Dictionary<PostgreSqlAuthenticationRequest, string>
    {
        [PostgreSqlAuthenticationRequest.CleartextPassword] = "password",
        [PostgreSqlAuthenticationRequest.Md5Password] = "md5",
        [PostgreSqlAuthenticationRequest.Gss] = "gss",
        [PostgreSqlAuthenticationRequest.Sspi] = "sspi",
        [PostgreSqlAuthenticationRequest.KerberosV5] = "krb5",
    };

    /// <summary>Gets extra startup parameters (e.g. <c>application_name</c>); <c>user</c> and <c>database</c> are set from the credentials and <see cref="Database"/>.</summary>
    public IDictionary<string, string> StartupParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
