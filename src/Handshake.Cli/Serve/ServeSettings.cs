using System.Security.Cryptography.X509Certificates;

namespace Handshake.Cli.Serve;

/// <summary>serve's validated command line, as every protocol sees it.</summary>
internal sealed record ServeSettings(X509Certificate2? Certificate, string MySqlDefaultPlugin, int MaxConnections);
