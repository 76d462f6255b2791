using Handshake.Protocols.MySql.Internal;

namespace Handshake.Protocols.MySql;

/// <summary>
/// The server side of MySQL's connection phase over a <see cref="Stream"/>: the engine's
/// <see cref="AuthAcceptor.RunAsync(IAcceptorTransport, string, HandshakeDeadline, CancellationToken)"/> drives the conversation, and this adapter translates it: Handshake v10
/// with the default verifier's scramble, the SSLRequest (TLS upgrade) or HandshakeResponse41, then
/// AuthSwitchRequest (0xFE), AuthMoreData (0x01), AuthNextFactor (0x02), OK, and ERR 1045 (SQLSTATE 28000).
/// </summary>
public static class MySqlServerConnector
{
    private const byte ComQuit = 0x01;
    private const byte ComInitDb = 0x02;
    private const byte ComQuery = 0x03;
    private const byte ComPing = 0x0E;

    /// <summary>Runs the connection phase: ends with OK (accepted) or ERR (rejected) sent to the client, or a dropped connection after a deadline.</summary>
    /// <param name="stream">The accepted connection (the caller keeps ownership).</param>
    /// <param name="options">Version, certificate, limits and deadlines.</param>
    /// <param name="acceptorFactory">
    /// Creates the acceptor (<see cref="AcceptorStartMode.Begin"/>; <c>AcceptorOptions.DefaultPlugin</c> makes the
    /// greeting's scramble). It learns the transport's security when the client decides on TLS, so the exchange
    /// that made the greeting goes on over either transport.
    /// </param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>
    /// The outcome; <see cref="AdapterAcceptorResult.Succeeded"/> says whether an OK was sent. With
    /// <see cref="AdapterAcceptorOptions.SessionHandler"/> set, an accepted session is served by it before this returns;
    /// without, this returns right after the OK and <see cref="MySqlServerResult.Stream"/> is where the session goes on
    /// (<see cref="ServeCommandsAsync"/> is the optional courtesy loop).
    /// </returns>
    /// <exception cref="InvalidOperationException">The acceptor does not open with a default plugin's scramble (a configuration error).</exception>
    public static async Task<MySqlServerResult> AcceptAsync(Stream stream, MySqlServerOptions options, IAuthAcceptorFactory acceptorFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(acceptorFactory);

        using var deadline = new HandshakeDeadline(options.AuthenticationTimeout, options.TimeProvider, "MySqlServerOptions.AuthenticationTimeout");
        var transport = new MySqlServerTransport(new MySqlPacketChannel(stream, options.MaxMessageLength), options, deadline);
        using var acceptor = acceptorFactory.Create(transport.Security, AcceptorStartMode.Begin);
        var result = await acceptor.RunAsync(transport, null, deadline, cancellationToken).ConfigureAwait(false);
        if (transport.ConfigurationError is { } error)
        {
            throw error;
        }

        var reason = result is null ? (acceptor.FailureReason == AuthErrorCode.Unspecified ? AuthErrorCode.InvalidCredential : acceptor.FailureReason) : AuthErrorCode.Unspecified;
        if (result is not null && options.SessionHandler is { } handler)
        {
            // The OK went out; the session is the handler's, the shape every adapter shares.
            try
            {
                await handler(new AdapterSession(transport.Stream, result, transport.Security, options) { Database = transport.Database }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or HandshakeException)
            {
                // The client was authenticated; how its session ended afterwards does not change that.
            }
        }

        return new MySqlServerResult(result, transport.UserName, transport.Database, transport.ClientPluginName, reason, result is null ? acceptor.FailureDetail : null, transport.Stream, transport.Security, transport.ClientMultiFactor, options);
    }

    /// <summary>
    /// Answers the command phase after an OK so real clients consider the login complete: COM_PING,
    /// COM_QUERY and COM_INIT_DB get an OK (an empty result), COM_QUIT or end of stream returns, anything
    /// else an ERR 1047. A client silent for longer than <see cref="AdapterAcceptorOptions.IdleTimeout"/> of the
    /// options the login ran under (default 60 s, far below MySQL's own 8-hour <c>wait_timeout</c>: this loop
    /// serves logins, not work) is dropped, as MySQL drops it: the session ends and the task completes.
    /// </summary>
    /// <param name="result">An accepted login.</param>
    /// <param name="cancellationToken">Cancels the loop.</param>
    /// <returns>A task that completes when the client quits or disconnects.</returns>
    public static async Task ServeCommandsAsync(MySqlServerResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("The login was rejected; there is no command phase.");
        }

        var channel = new MySqlPacketChannel(result.Stream, 16 * 1024 * 1024);
        try
        {
            while (true)
            {
                channel.ResetSequence();
                byte[]? command;
                using (var idle = new CancellationTokenSource(result.Options.IdleTimeout, result.Options.TimeProvider))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
                {
                    try
                    {
                        command = await channel.TryReadAsync(linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        // wait_timeout: the server closes a connection idle for too long (the caller closes the stream).
                        return;
                    }
                }

                if (command is null || command.Length == 0 || command[0] == ComQuit)
                {
                    return;
                }

                var reply = command[0] is ComPing or ComQuery or ComInitDb
                    ? MySqlPackets.OkPacket()
                    : MySqlPackets.ErrPacket(1047, "08S01", "Unknown command");
                await channel.WriteAsync(reply, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (HandshakeException)
        {
            // The client went away or spoke out of turn: the session is over.
        }
    }
}
