using Handshake.Cli.Probe;
using Handshake.Cli.Serve;

namespace Handshake.Cli.Protocols;

/// <summary>
/// One wire protocol the tool speaks in both roles: the URL schemes that name it (probe) and the name serve
/// takes, its default port, how probe runs its client adapter, and how serve runs its acceptor adapter.
/// Every protocol is one entry of <see cref="ProtocolCatalogue"/>; nothing else in the tool names one.
/// </summary>
internal abstract class CliProtocol
{
    /// <summary>Gets the URL schemes that choose this protocol; the first is its name (serve's argument, probe's output).</summary>
    public abstract IReadOnlyList<string> Schemes { get; }

    /// <summary>Gets the name (the first scheme).</summary>
    public string Name => Schemes[0];

    /// <summary>Gets the server software a person would expect here, for messages ("PostgreSQL").</summary>
    public abstract string DisplayName { get; }

    /// <summary>Gets the IANA port of the protocol.</summary>
    public abstract int DefaultPort { get; }

    /// <summary>Gets a value indicating whether the connection starts with TLS (imaps, submissions) rather than upgrading.</summary>
    public virtual bool ImplicitTls => false;

    /// <summary>Gets a value indicating whether a URL path (a database) means anything here.</summary>
    public virtual bool HasDatabase => false;

    /// <summary>Gets a value indicating whether serve can hand a client its resume token after login (<c>serve --resume</c>): an offer-mode protocol with a post-login phase.</summary>
    public virtual bool DeliversResumeTokens => false;

    /// <summary>Gets the client plugins registered for probe beyond the common set (SASL's PLAIN and SCRAM-SHA-1).</summary>
    public virtual IReadOnlyList<string> ExtraClientPlugins => [];

    /// <summary>Gets why the client ran a mechanism the server did not list (protocols without an offer).</summary>
    public virtual string UnofferedChoice => "the server asked for it";

    /// <summary>Gets an example URL for messages.</summary>
    public string Example => $"{Name}://user@host:{DefaultPort}{(HasDatabase ? "/db" : string.Empty)}";

    /// <summary>Runs the client side of the protocol's authentication over a connection probe makes.</summary>
    public abstract Task<AuthResult> ProbeAsync(IProbeSession session, IAuthNegotiatorFactory factory, AuthCredentials credentials, CancellationToken cancellationToken);

    /// <summary>Sets what the acceptor needs for this protocol (the default plugin, the mechanisms offered).</summary>
    public abstract void ConfigureAcceptor(AcceptorOptions options, ServeSettings settings);

    /// <summary>Checks serve's options against the protocol (implicit TLS needs a certificate).</summary>
    public virtual void Validate(ServeSettings settings)
    {
    }

    /// <summary>Runs one accepted connection to its end; returns serve's log line for it (without the peer), or null for nothing to log.</summary>
    public abstract Task<string?> ServeAsync(ServeConnection connection, CancellationToken cancellationToken);
}
