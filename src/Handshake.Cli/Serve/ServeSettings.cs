using System.Security.Cryptography.X509Certificates;

namespace Handshake.Cli.Serve;

/// <summary>serve's validated command line, as every protocol sees it.</summary>
/// <param name="Certificate">The TLS certificate, or null for no TLS.</param>
/// <param name="MySqlDefaultPlugin">mysql: the plugin named in the greeting.</param>
/// <param name="MaxConnections">Connections served at once.</param>
/// <param name="Resume">Whether session resumption is offered and tokens are issued (<c>--resume</c>).</param>
/// <param name="Stats">Whether a statistics line is printed at shutdown (<c>--stats</c>).</param>
internal sealed record ServeSettings(X509Certificate2? Certificate, string MySqlDefaultPlugin, int MaxConnections, bool Resume = false, bool Stats = false);
