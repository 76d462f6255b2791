using Handshake.Protocols.MySql.Internal;

namespace Handshake.Protocols.MySql;

/// <summary>
/// The client side of MySQL's connection phase over a <see cref="Stream"/>: reads the server's
/// Handshake v10, upgrades to TLS as <see cref="AdapterClientOptions.TlsMode"/> demands, sends
/// HandshakeResponse41 and maps every server packet (AuthSwitchRequest, AuthMoreData, AuthNextFactor, OK,
/// ERR) onto the engine's <see cref="AuthNegotiator.RunAsync(IAuthTransport, HandshakeDeadline, CancellationToken)"/>, which drives the conversation.
/// </summary>
public static class MySqlClientConnector
{
    /// <summary>Runs the connection phase up to the server's OK.</summary>
    /// <param name="stream">The connected stream, not yet TLS (the caller keeps ownership).</param>
    /// <param name="options">Database, TLS, plugin choices, limits and deadlines.</param>
    /// <param name="negotiatorFactory">Creates the negotiator (plugins registered with <c>AddHandshake</c>).</param>
    /// <param name="credentials">The user name (sent in HandshakeResponse41) and the secrets; the caller keeps ownership.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The result, the server's version and the stream to continue on.</returns>
    /// <exception cref="HandshakeException">
    /// The server rejected the login (<see cref="AuthErrorCode.ServerRejected"/>, with the server's error number in
    /// <see cref="HandshakeException.ServerErrorCode"/>), TLS was required but not offered or failed, a packet broke
    /// the protocol or a limit, a deadline passed (<see cref="AuthErrorCode.Timeout"/>), or a plugin failed.
    /// </exception>
    public static async Task<MySqlClientResult> ConnectAsync(Stream stream, MySqlClientOptions options, IAuthNegotiatorFactory negotiatorFactory, AuthCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(negotiatorFactory);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(credentials.UserName);

        using var deadline = new HandshakeDeadline(options.Timeout, options.TimeProvider, "MySqlClientOptions.Timeout");
        using var negotiator = negotiatorFactory.Create(credentials);
        var transport = new MySqlClientTransport(new MySqlPacketChannel(stream, options.MaxMessageLength), options, deadline, negotiator, credentials.UserName);
        try
        {
            var result = await negotiator.RunAsync(transport, deadline, cancellationToken).ConfigureAwait(false);
            return new MySqlClientResult(result, transport.ServerVersion, transport.ConnectionId, transport.TlsStream ?? stream, transport.Security);
        }
        catch
        {
            if (transport.TlsStream is { } tls)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }
}
