using Handshake.Cli.Internal;

namespace Handshake.Cli.Demo;

/// <summary>
/// What a page that carries state between logins adds around each attempt (the resume page: the
/// acceptor's session object, issuing a token after a full login, the clock moving on).
/// </summary>
internal interface IDemoHooks
{
    /// <summary>Gets the acceptor's properties for the attempt at <paramref name="index"/>, or null.</summary>
    IReadOnlyDictionary<string, object?>? AcceptorProperties(int index);

    /// <summary>Runs before the attempt at <paramref name="index"/> (its header is not printed yet).</summary>
    Task BeforeAsync(int index, TextWriter output, Ansi style);

    /// <summary>Runs after the attempt at <paramref name="index"/>, its transcript and result printed.</summary>
    Task AfterAsync(int index, IServiceProvider server, InMemoryHandshakeResult result, TextWriter output, Ansi style, CancellationToken cancellationToken);
}
