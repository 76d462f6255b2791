using System.Security.Cryptography.X509Certificates;

namespace Handshake.Cli.Serve;

/// <summary>
/// One accepted connection as a protocol serves it: the stream, the acceptor factory, serve's settings,
/// the connection's number, and the log (a line written there is prefixed with the peer).
/// </summary>
internal sealed record ServeConnection(Stream Stream, IAuthAcceptorFactory Factory, ServeSettings Settings, uint Id, Action<string> Log)
{
    /// <summary>Gets the resume token issuer with <c>--resume</c>; null otherwise.</summary>
    public Plugins.Resume.IResumeTokenIssuer? ResumeIssuer { get; init; }

    public X509Certificate2? Certificate => Settings.Certificate;
}
