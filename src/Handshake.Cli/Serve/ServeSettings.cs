using System.Security.Cryptography.X509Certificates;

namespace Handshake.Cli.Serve;

/// <summary>serve's validated command line, as every protocol sees it.</summary>
/// <param name="Certificate">The TLS certificate, if any.</param>
/// <param name="MySqlDefaultPlugin">The plugin MySQL's greeting names.</param>
/// <param name="MaxConnections">Connections served at once.</param>
/// <param name="IdleTimeout">How long an authenticated session may stay silent (--idle-timeout); null: <see cref="DefaultIdleTimeout"/>.</param>
internal sealed record ServeSettings(X509Certificate2? Certificate, string MySqlDefaultPlugin, int MaxConnections, TimeSpan? IdleTimeout = null)
{
    /// <summary>The default idle limit of a served session: 60 s, the adapters' own (a test server, not MySQL's 8-hour wait_timeout).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Gets the idle limit every protocol applies after a login.</summary>
    public TimeSpan SessionIdleTimeout => IdleTimeout ?? DefaultIdleTimeout;
}
