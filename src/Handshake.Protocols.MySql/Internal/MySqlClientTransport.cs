namespace Handshake.Protocols.MySql.Internal;

/// <summary>
/// The client side of MySQL's connection phase as the engine's transport: the greeting (read under the
/// first-message deadline, TLS upgraded per <see cref="AdapterClientOptions.TlsMode"/>) becomes Begin, the
/// first answer HandshakeResponse41, and later packets AuthSwitchRequest (0xFE), AuthMoreData (0x01),
/// AuthNextFactor (0x02), OK and ERR become Switch, Continue, NextFactor, Succeeded and Failed.
/// Framing and TLS are this class's; every decision is the negotiator's.
/// </summary>
internal sealed class MySqlClientTransport(MySqlPacketChannel channel, MySqlClientOptions options, HandshakeDeadline deadline, AuthNegotiator negotiator, string userName) : IAuthTransport
{
    private const MySqlCapabilities Required = MySqlCapabilities.Protocol41 | MySqlCapabilities.SecureConnection | MySqlCapabilities.PluginAuth;

    private readonly Stream _inner = channel.Stream;
    private MySqlCapabilities _capabilities;
    private string? _firstPlugin;
    private bool _greeted;
    private bool _responseSent;
    private bool _switchOpensAuthentication;

    public TransportSecurity Security { get; private set; } = TransportSecurity.None;

    public string ServerVersion { get; private set; } = string.Empty;

    public uint ConnectionId { get; private set; }

    /// <summary>Gets the TLS stream this transport made, if any (the caller's stream stays the caller's).</summary>
    public Stream? TlsStream => ReferenceEquals(channel.Stream, _inner) ? null : channel.Stream;

    public async ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (!_greeted)
        {
            return await GreetingAsync(cancellationToken).ConfigureAwait(false);
        }

        var packet = await WithinAsync(channel.ReadAsync, options.RoundTimeout, "The server's next authentication packet", "MySqlClientOptions.RoundTimeout", cancellationToken).ConfigureAwait(false);
        return ToEvent(packet);
    }

    public async ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken)
    {
        if (!_responseSent)
        {
            await WriteResponseAsync(message.PluginName ?? _firstPlugin!, message.Data, cancellationToken).ConfigureAwait(false);
            return;
        }

        // AuthSwitchResponse / more data: the raw bytes, next sequence id.
        await channel.WriteAsync(message.Data, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<AuthEvent> GreetingAsync(CancellationToken cancellationToken)
    {
        var greeting = await WithinAsync(channel.ReadAsync, options.FirstMessageTimeout, "The server's greeting (Handshake v10)", "MySqlClientOptions.FirstMessageTimeout", cancellationToken).ConfigureAwait(false);
        _greeted = true;
        if (greeting.Length > 0 && greeting[0] == MySqlPackets.Err)
        {
            // Refused before any greeting (too many connections, host blocked): the server's words, typed.
            return Failed(greeting);
        }

        var server = MySqlGreeting.Parse(greeting);
        ServerVersion = server.Version;
        ConnectionId = server.ConnectionId;
        if ((server.Capabilities & Required) != Required)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The server ({PeerText.Printable(server.Version)}) lacks CLIENT_PROTOCOL_41, SECURE_CONNECTION or PLUGIN_AUTH; it is too old for this client.");
        }

        _capabilities = MySqlCapabilities.LongPassword | MySqlCapabilities.LongFlag | MySqlCapabilities.Transactions | Required
            | (server.Capabilities & (MySqlCapabilities.PluginAuthLenencClientData | MySqlCapabilities.MultiFactorAuthentication));
        if (options.Database is not null)
        {
            _capabilities |= MySqlCapabilities.ConnectWithDb;
        }

        await NegotiateTlsAsync((server.Capabilities & MySqlCapabilities.Ssl) != 0, cancellationToken).ConfigureAwait(false);

        // Never refuse an unfamiliar first plugin name: answer with one we have (FallbackPlugin), or with an
        // empty response under the server's name, and let the server switch us to the user's plugin.
        var advertised = server.PluginName;
        if (CanUse(advertised))
        {
            _firstPlugin = advertised;
            return AuthEvent.Begin(advertised, server.Scramble);
        }

        if (options.FallbackPlugin is { } fallback)
        {
            _firstPlugin = fallback;
            return AuthEvent.Begin(fallback, server.Scramble);
        }

        await WriteResponseAsync(advertised, default, cancellationToken).ConfigureAwait(false);
        _switchOpensAuthentication = true;
        return await ReceiveAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One wait under its own limit and what is left of <see cref="AdapterClientOptions.Timeout"/>, whichever ends
    /// first: the deadline surfaces as a typed Timeout from the transport, which the negotiator records as it
    /// records every failure.
    /// </summary>
    private ValueTask<T> WithinAsync<T>(Func<CancellationToken, ValueTask<T>> wait, TimeSpan limit, string what, string option, CancellationToken cancellationToken)
    {
        var left = deadline.Remaining;
        return left < limit
            ? AdapterDeadline.RunAsync(wait, left, options.TimeProvider, what, deadline.Option, cancellationToken)
            : AdapterDeadline.RunAsync(wait, limit, options.TimeProvider, what, option, cancellationToken);
    }

    private bool CanUse(string plugin) =>
        plugin.Length > 0 && (options.RegisteredPlugins.Count == 0 ? negotiator.CanUsePlugin(plugin) : options.RegisteredPlugins.Contains(plugin));

    private async ValueTask NegotiateTlsAsync(bool offered, CancellationToken cancellationToken)
    {
        var mode = options.TlsMode;
        if (mode == ClientTlsMode.Disable || (mode == ClientTlsMode.Prefer && !offered))
        {
            return;
        }

        if (!offered)
        {
            throw new HandshakeException(AuthErrorCode.PolicyViolation, $"TLS is required (TlsMode {mode}) but the server does not offer CLIENT_SSL.");
        }

        _capabilities |= MySqlCapabilities.Ssl;
        var sslRequest = new PayloadWriter().UInt32((uint)_capabilities).UInt32((uint)options.MaxPacketSize).Byte(options.CharacterSet).Zeros(23);
        await channel.WriteAsync(sslRequest.Written, cancellationToken).ConfigureAwait(false);
        var (stream, security) = await WithinAsync(ct => AdapterTls.AuthenticateAsClientAsync(_inner, options, ct), options.RoundTimeout, "The TLS handshake", "MySqlClientOptions.RoundTimeout", cancellationToken).ConfigureAwait(false);
        channel.Stream = stream;
        Security = security;
    }

    private async ValueTask WriteResponseAsync(string plugin, ReadOnlyMemory<byte> authData, CancellationToken cancellationToken)
    {
        var response = new PayloadWriter()
            .UInt32((uint)_capabilities).UInt32((uint)options.MaxPacketSize).Byte(options.CharacterSet).Zeros(23)
            .NulString(userName);
        if ((_capabilities & MySqlCapabilities.PluginAuthLenencClientData) != 0)
        {
            response.LengthEncodedInteger((ulong)authData.Length);
        }
        else if (authData.Length > byte.MaxValue)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The first auth response is {authData.Length} bytes; this server accepts at most 255 (no PLUGIN_AUTH_LENENC_CLIENT_DATA).", plugin, 1);
        }
        else
        {
            response.Byte((byte)authData.Length);
        }

        response.Bytes(authData.Span);
        if (options.Database is not null)
        {
            response.NulString(options.Database);
        }

        response.NulString(plugin);
        _responseSent = true;
        try
        {
            await channel.WriteAsync(response.Written, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The response may hold a password-derived proof.
            response.Clear();
        }
    }

    private AuthEvent ToEvent(byte[] packet)
    {
        if (packet.Length == 0)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The server sent an empty packet during authentication.", negotiator.CurrentPlugin, negotiator.CurrentFactor);
        }

        var opensAuthentication = _switchOpensAuthentication;
        _switchOpensAuthentication = false;
        return packet[0] switch
        {
            MySqlPackets.Ok => AuthEvent.Succeeded(),
            MySqlPackets.Err => Failed(packet),

            // After an empty first answer, the server's switch is where authentication begins for the negotiator.
            MySqlPackets.AuthSwitchRequest when opensAuthentication => Named(packet, "AuthSwitchRequest", static (name, data) => AuthEvent.Begin(name, data)),
            MySqlPackets.AuthSwitchRequest => Named(packet, "AuthSwitchRequest", static (name, data) => AuthEvent.Switch(name, data)),
            MySqlPackets.AuthNextFactor when (_capabilities & MySqlCapabilities.MultiFactorAuthentication) != 0 => Named(packet, "AuthNextFactor", static (name, data) => AuthEvent.NextFactor(name, data)),
            MySqlPackets.AuthMoreData => AuthEvent.Continue(packet.AsMemory(1)),

            // MariaDB (10.11) sends a plugin's data as it is, prefixing 0x01 only when the first byte could
            // pass for OK, ERR or a switch (sql_acl.cc server_mpvio_write_packet): dialog's questions arrive
            // starting with 2 or 4. The plugin judges such data.
            _ => AuthEvent.Continue(packet),
        };
    }

    private static AuthEvent Failed(byte[] packet)
    {
        var (code, message) = MySqlPackets.ParseErr(packet);
        return AuthEvent.Failed(code, message);
    }

    private static AuthEvent Named(byte[] packet, string what, Func<string, ReadOnlyMemory<byte>, AuthEvent> create)
    {
        var reader = new PayloadReader(packet, what);
        _ = reader.ReadByte();
        var name = reader.ReadNulString(toEndIfUnterminated: true);

        // The data as the server sent it: a trailing NUL or length rule is the plugin's to apply.
        return create(name, packet.AsMemory(reader.Position));
    }
}
