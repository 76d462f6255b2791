using System.Security.Cryptography.X509Certificates;

namespace Handshake.Cli.Serve;

/// <summary>serve's validated command line, as every protocol sees it.</summary>
/// <param name="Certificate">The TLS certificate, or null for no TLS.</param>
/// <param name="MySqlDefaultPlugin">mysql: the plugin named in the greeting.</param>
/// <param name="MaxConnections">Connections served at once.</param>
/// <param name="Resume">Whether session resumption is offered and tokens are issued (<c>--resume</c>).</param>
/// <param name="Stats">Whether a statistics line is printed at shutdown (<c>--stats</c>).</param>
/// <param name="IdleTimeout">How long an authenticated session may stay silent (--idle-timeout); null: <see cref="DefaultIdleTimeout"/>.</param>
internal sealed record ServeSettings(X509Certificate2? Certificate, string MySqlDefaultPlugin, int MaxConnections, bool Resume = false, bool Stats = false, TimeSpan? IdleTimeout = null)
{
    /// <summary>The default idle limit of a served session: 60 s, the adapters' own (a test server, not MySQL's 8-hour wait_timeout).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Gets the idle limit every protocol applies after a login.</summary>
    public TimeSpan SessionIdleTimeout => IdleTimeout ?? DefaultIdleTimeout;
}
