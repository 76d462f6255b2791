namespace Handshake.Protocols.MySql.Internal;

/// <summary>
/// The server side of MySQL's connection phase as the engine's acceptor transport: Begin goes out as the
/// greeting; the client's SSLRequest (TLS upgrade, after which <see cref="Security"/> says so) and
/// HandshakeResponse41 come back as the first message; Switch, Continue, NextFactor, Succeeded and Failed go
/// out as AuthSwitchRequest (0xFE), AuthMoreData (0x01), AuthNextFactor (0x02), OK and ERR 1045. A fault this
/// transport finds is told to the client as MySQL does (ERR 1043 for a malformed packet) and thrown as a typed
/// <see cref="HandshakeException"/>, which the acceptor records.
/// </summary>
internal sealed class MySqlServerTransport(MySqlPacketChannel channel, MySqlServerOptions options, HandshakeDeadline deadline) : IAcceptorTransport
{
    private const ushort AccessDenied = 1045;
    private const ushort BadHandshake = 1043;
    private const ushort InsecureTransport = 3159;
    private const int SslRequestLength = 32;

    private const MySqlCapabilities Offered = MySqlCapabilities.LongPassword | MySqlCapabilities.FoundRows | MySqlCapabilities.LongFlag
        | MySqlCapabilities.ConnectWithDb | MySqlCapabilities.Protocol41 | MySqlCapabilities.Transactions | MySqlCapabilities.SecureConnection
        | MySqlCapabilities.MultiStatements | MySqlCapabilities.MultiResults | MySqlCapabilities.PsMultiResults | MySqlCapabilities.PluginAuth
        | MySqlCapabilities.ConnectAttrs | MySqlCapabilities.PluginAuthLenencClientData | MySqlCapabilities.MultiFactorAuthentication;

    private readonly Stream _inner = channel.Stream;
    private bool _answered;
    private string? _expected;
    private bool _usedPassword;

    public TransportSecurity Security { get; private set; } = TransportSecurity.None;

    /// <summary>Gets the user named in HandshakeResponse41, once it arrived.</summary>
    public string? UserName { get; private set; }

    public string? Database { get; private set; }

    public string? ClientPluginName { get; private set; }

    public bool ClientMultiFactor { get; private set; }

    /// <summary>Gets a misconfiguration found when the acceptor opened (not the client's doing): the caller rethrows it.</summary>
    public InvalidOperationException? ConfigurationError { get; private set; }

    /// <summary>Gets the TLS stream this transport made, if any.</summary>
    public Stream? TlsStream => ReferenceEquals(channel.Stream, _inner) ? null : channel.Stream;

    public Stream Stream => channel.Stream;

    public async ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_answered)
        {
            var reply = await WithinAsync(channel.ReadAsync, options.RoundTimeout, "The client's next authentication packet", "MySqlServerOptions.RoundTimeout", cancellationToken).ConfigureAwait(false);
            return new AuthClientMessage(_expected, reply);
        }

        _answered = true;
        try
        {
            var packet = await WithinAsync(channel.ReadAsync, options.FirstMessageTimeout, "The client's SSLRequest or HandshakeResponse41", "MySqlServerOptions.FirstMessageTimeout", cancellationToken).ConfigureAwait(false);
            var clientCapabilities = packet.Length >= 4 ? (MySqlCapabilities)BitConverter.ToUInt32(packet, 0) : MySqlCapabilities.None;
            if (packet.Length == SslRequestLength && (clientCapabilities & MySqlCapabilities.Ssl) != 0)
            {
                if (options.ServerCertificate is not { } certificate)
                {
                    throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The client sent an SSLRequest although CLIENT_SSL was not offered.");
                }

                var (ssl, security) = await WithinAsync(ct => AdapterTls.AuthenticateAsServerAsync(_inner, certificate, ct), options.RoundTimeout, "The client's TLS handshake", "MySqlServerOptions.RoundTimeout", cancellationToken).ConfigureAwait(false);
                channel.Stream = ssl;
                Security = security;
                packet = await WithinAsync(channel.ReadAsync, options.RoundTimeout, "The client's HandshakeResponse41", "MySqlServerOptions.RoundTimeout", cancellationToken).ConfigureAwait(false);
            }

            var response = MySqlHandshakeResponse.Parse(packet);
            UserName = response.User;
            Database = response.Database;
            ClientPluginName = response.PluginName;
            ClientMultiFactor = (response.Capabilities & MySqlCapabilities.MultiFactorAuthentication) != 0;
            _usedPassword = response.AuthData.Length > 0;
            if (options.RequireTls && !Security.IsEncrypted)
            {
                await TryErrAsync(InsecureTransport, "HY000", "Connections using insecure transport are prohibited while --require_secure_transport=ON.").ConfigureAwait(false);
                throw new HandshakeException(AuthErrorCode.PolicyViolation, "The client stayed on plain TCP; TLS is required (MySqlServerOptions.RequireTls).");
            }

            return new AuthClientMessage(response.PluginName, response.AuthData, response.User);
        }
        catch (HandshakeException ex) when (ex.Code == AuthErrorCode.ProtocolViolation)
        {
            await TryErrAsync(BadHandshake, "08S01", "Bad handshake").ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken)
    {
        switch (authEvent.Kind)
        {
            case AuthEventKind.Begin:
                if (authEvent.PluginName is null || authEvent.Data.Length is < 8 or > 255 - 8)
                {
                    ConfigurationError = new InvalidOperationException("The acceptor must open with AcceptorStartMode.Begin and a default plugin whose initial data is a scramble of 8 to 247 bytes (AcceptorOptions.DefaultPlugin).");
                    throw ConfigurationError;
                }

                var capabilities = Offered | (options.ServerCertificate is null ? MySqlCapabilities.None : MySqlCapabilities.Ssl);
                await channel.WriteAsync(MySqlGreeting.Write(options.ServerVersion, options.ConnectionId, capabilities, authEvent.PluginName, authEvent.Data.Span), cancellationToken).ConfigureAwait(false);
                return;
            case AuthEventKind.Switch:
                await channel.WriteAsync(MySqlPackets.NamedData(MySqlPackets.AuthSwitchRequest, authEvent.PluginName!, authEvent.Data.Span), cancellationToken).ConfigureAwait(false);
                _expected = authEvent.PluginName;
                return;
            case AuthEventKind.Continue:
                await channel.WriteAsync(MoreData(authEvent.Data.Span), cancellationToken).ConfigureAwait(false);
                return;
            case AuthEventKind.NextFactor:
                if (!ClientMultiFactor)
                {
                    // MySQL asks for factor 2 only of clients that said they can answer it.
                    await TryErrAsync(AccessDenied, "28000", DeniedMessage()).ConfigureAwait(false);
                    throw new HandshakeException(AuthErrorCode.PolicyViolation, "The user's policy has another factor, but the client did not set CLIENT_MULTI_FACTOR_AUTHENTICATION.", authEvent.PluginName, authEvent.FactorIndex);
                }

                if (!authEvent.AcceptedData.IsEmpty)
                {
                    await channel.WriteAsync(MoreData(authEvent.AcceptedData.Span), cancellationToken).ConfigureAwait(false);
                }

                await channel.WriteAsync(MySqlPackets.NamedData(MySqlPackets.AuthNextFactor, authEvent.PluginName!, authEvent.Data.Span), cancellationToken).ConfigureAwait(false);
                _expected = authEvent.PluginName;
                return;
            case AuthEventKind.Succeeded:
                if (!authEvent.Data.IsEmpty)
                {
                    // e.g. a fast-auth marker the verifier sends before the OK.
                    await channel.WriteAsync(MoreData(authEvent.Data.Span), cancellationToken).ConfigureAwait(false);
                }

                await channel.WriteAsync(MySqlPackets.OkPacket(), cancellationToken).ConfigureAwait(false);
                return;
            case AuthEventKind.Failed:
                await channel.WriteAsync(MySqlPackets.ErrPacket(AccessDenied, "28000", DeniedMessage()), cancellationToken).ConfigureAwait(false);
                return;
            default:
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"A MySQL server cannot send a {authEvent.Kind} step.");
        }
    }

    /// <summary>
    /// One wait under its own limit and what is left of <see cref="AdapterAcceptorOptions.AuthenticationTimeout"/>,
    /// whichever ends first, as a typed Timeout the acceptor records.
    /// </summary>
    private ValueTask<T> WithinAsync<T>(Func<CancellationToken, ValueTask<T>> wait, TimeSpan limit, string what, string option, CancellationToken cancellationToken)
    {
        var left = deadline.Remaining;
        return left < limit
            ? AdapterDeadline.RunAsync(wait, left, options.TimeProvider, what, deadline.Option, cancellationToken)
            : AdapterDeadline.RunAsync(wait, limit, options.TimeProvider, what, option, cancellationToken);
    }

    private string DeniedMessage() =>
        $"Access denied for user '{PeerText.Printable(UserName)}'@'{options.ClientHost}' (using password: {(_usedPassword ? "YES" : "NO")})";

    /// <summary>Best effort: the client may already be gone, and the failure stands either way.</summary>
    private async ValueTask TryErrAsync(ushort code, string sqlState, string message)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1), options.TimeProvider);
            await channel.WriteAsync(MySqlPackets.ErrPacket(code, sqlState, message), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HandshakeException or IOException or OperationCanceledException or ObjectDisposedException or NotSupportedException)
        {
            // Nothing more to tell a client that left.
        }
    }

    private static ReadOnlyMemory<byte> MoreData(ReadOnlySpan<byte> data) => new PayloadWriter().Byte(MySqlPackets.AuthMoreData).Bytes(data).Written;
}
