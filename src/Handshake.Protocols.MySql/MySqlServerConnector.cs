using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using Handshake.Protocols.MySql.Internal;

namespace Handshake.Protocols.MySql;

/// <summary>
/// The server side of MySQL's connection phase over a <see cref="Stream"/>: sends Handshake v10 with
/// the default verifier's scramble, reads the SSLRequest or HandshakeResponse41, and maps the
/// <see cref="AuthAcceptor"/>'s events onto AuthSwitchRequest (0xFE), AuthMoreData (0x01),
/// AuthNextFactor (0x02), OK, and ERR 1045 (SQLSTATE 28000).
/// </summary>
public static class MySqlServerConnector
{
    private const ushort AccessDenied = 1045;
    private const ushort BadHandshake = 1043;
    private const byte ComQuit = 0x01;
    private const byte ComInitDb = 0x02;
    private const byte ComQuery = 0x03;
    private const byte ComPing = 0x0E;
    private const int SslRequestLength = 32;

    private const MySqlCapabilities Offered = MySqlCapabilities.LongPassword | MySqlCapabilities.FoundRows | MySqlCapabilities.LongFlag
        | MySqlCapabilities.ConnectWithDb | MySqlCapabilities.Protocol41 | MySqlCapabilities.Transactions | MySqlCapabilities.SecureConnection
        | MySqlCapabilities.MultiStatements | MySqlCapabilities.MultiResults | MySqlCapabilities.PsMultiResults | MySqlCapabilities.PluginAuth
        | MySqlCapabilities.ConnectAttrs | MySqlCapabilities.PluginAuthLenencClientData | MySqlCapabilities.MultiFactorAuthentication;

    /// <summary>Runs the connection phase: ends with OK (accepted) or ERR (rejected) sent to the client.</summary>
    /// <param name="stream">The accepted connection.</param>
    /// <param name="createAcceptor">
    /// Creates an acceptor (<see cref="AcceptorStartMode.Begin"/>) for the given transport; the server
    /// certificate is in <see cref="TransportSecurity.ServerCertificate"/> when TLS is in use. Disposed here.
    /// </param>
    /// <param name="options">Version, certificate and limits.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The outcome; <see cref="MySqlServerResult.Succeeded"/> says whether an OK was sent.</returns>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A malformed or vanished client ends as a failed result (with ERR 1043 when the connection still works), never a crash.")]
    public static async Task<MySqlServerResult> AcceptAsync(Stream stream, Func<TransportSecurity, AuthAcceptor> createAcceptor, MySqlServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(createAcceptor);
        ArgumentNullException.ThrowIfNull(options);

        var channel = new MySqlPacketChannel(stream, options.MaxPacketSize);
        var certificate = options.ServerCertificate;
        var tlsTransport = certificate is null ? null : new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = certificate };
        var transport = tlsTransport ?? TransportSecurity.None;

        // The greeting's scramble comes from the default verifier, before the client says whether it
        // will upgrade; with a certificate the acceptor is made for TLS and replaced if the client stays plain.
        var acceptor = createAcceptor(transport);
        string? user = null;
        string? database = null;
        string? clientPlugin = null;
        var clientMultiFactor = false;
        try
        {
            var begin = await acceptor.StartAsync(null, cancellationToken).ConfigureAwait(false);
            if (begin.Kind != AuthEventKind.Begin || begin.PluginName is null || begin.Data.Length < 8)
            {
                throw new InvalidOperationException("The acceptor must open with AcceptorStartMode.Begin and a default plugin whose initial data is a scramble of at least 8 bytes (AcceptorOptions.DefaultPlugin).");
            }

            var capabilities = Offered | (certificate is null ? MySqlCapabilities.None : MySqlCapabilities.Ssl);
            await channel.WriteAsync(Greeting(options, capabilities, begin.PluginName, begin.Data.Span), cancellationToken).ConfigureAwait(false);

            var packet = await channel.ReadAsync(cancellationToken).ConfigureAwait(false);
            var clientCapabilities = packet.Length >= 4 ? (MySqlCapabilities)BitConverter.ToUInt32(packet, 0) : MySqlCapabilities.None;
            if (packet.Length == SslRequestLength && (clientCapabilities & MySqlCapabilities.Ssl) != 0)
            {
                if (certificate is null)
                {
                    return await FailAsync(channel, BadHandshake, "08S01", "Bad handshake", AuthErrorCode.ProtocolViolation, transport).ConfigureAwait(false);
                }

                var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken).ConfigureAwait(false);
                channel.Stream = ssl;
                packet = await channel.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (tlsTransport is not null)
            {
                transport = TransportSecurity.None;
            }

            var response = ParseResponse(packet);
            user = response.User;
            database = response.Database;
            clientPlugin = response.PluginName;
            clientMultiFactor = (response.Capabilities & MySqlCapabilities.MultiFactorAuthentication) != 0;
            var usedPassword = response.AuthData.Length > 0;

            AuthEvent next;
            if (tlsTransport is not null && transport == TransportSecurity.None)
            {
                // Stayed plain although TLS was offered: the acceptor made for TLS must not judge this
                // connection. A plain one starts over and switches the client to a fresh scramble.
                acceptor.Dispose();
                acceptor = createAcceptor(transport);
                _ = await acceptor.StartAsync(null, cancellationToken).ConfigureAwait(false);
                next = await acceptor.HandleAsync(new AuthClientMessage(null, ReadOnlyMemory<byte>.Empty, user), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                next = await acceptor.HandleAsync(new AuthClientMessage(response.PluginName, response.AuthData, user), cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                string? expected = null;
                switch (next.Kind)
                {
                    case AuthEventKind.Switch:
                        await channel.WriteAsync(MySqlPackets.NamedData(MySqlPackets.AuthSwitchRequest, next.PluginName!, WireData(next.PluginName!, next.Data.Span)), cancellationToken).ConfigureAwait(false);
                        expected = next.PluginName;
                        break;
                    case AuthEventKind.Continue:
                        await channel.WriteAsync(MoreData(next.Data.Span), cancellationToken).ConfigureAwait(false);
                        break;
                    case AuthEventKind.NextFactor:
                        if (!clientMultiFactor)
                        {
                            // MySQL asks for factor 2 only of clients that said they can answer it.
                            return await FailAsync(channel, AccessDenied, "28000", DeniedMessage(user, options, usedPassword), AuthErrorCode.PolicyViolation, transport, user, database, clientPlugin).ConfigureAwait(false);
                        }

                        if (!next.AcceptedData.IsEmpty)
                        {
                            await channel.WriteAsync(MoreData(next.AcceptedData.Span), cancellationToken).ConfigureAwait(false);
                        }

                        await channel.WriteAsync(MySqlPackets.NamedData(MySqlPackets.AuthNextFactor, next.PluginName!, WireData(next.PluginName!, next.Data.Span)), cancellationToken).ConfigureAwait(false);
                        expected = next.PluginName;
                        break;
                    case AuthEventKind.Succeeded:
                        if (!next.Data.IsEmpty)
                        {
                            // e.g. caching_sha2_password's 0x03 fast-auth marker, then the OK.
                            await channel.WriteAsync(MoreData(next.Data.Span), cancellationToken).ConfigureAwait(false);
                        }

                        await channel.WriteAsync(MySqlPackets.OkPacket(), cancellationToken).ConfigureAwait(false);
                        return new MySqlServerResult(acceptor.Result, user, database, clientPlugin, AuthErrorCode.Unspecified, channel.Stream, transport, clientMultiFactor);
                    default:
                        return await FailAsync(channel, AccessDenied, "28000", DeniedMessage(user, options, usedPassword), acceptor.FailureReason, transport, user, database, clientPlugin).ConfigureAwait(false);
                }

                var reply = await channel.ReadAsync(cancellationToken).ConfigureAwait(false);
                next = await acceptor.HandleAsync(new AuthClientMessage(expected, reply), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (HandshakeException ex) when (ex.Code == AuthErrorCode.ProtocolViolation)
        {
            return await FailAsync(channel, BadHandshake, "08S01", "Bad handshake", ex.Code, transport, user, database, clientPlugin).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HandshakeException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return new MySqlServerResult(null, user, database, clientPlugin, AuthErrorCode.TransportFailure, channel.Stream, transport, clientMultiFactor);
        }
        finally
        {
            acceptor.Dispose();
        }
    }

    /// <summary>
    /// Answers the command phase after an OK so real clients consider the login complete: COM_PING,
    /// COM_QUERY and COM_INIT_DB get an OK (an empty result), COM_QUIT or end of stream returns, anything
    /// else an ERR 1047.
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
                var command = await channel.TryReadAsync(cancellationToken).ConfigureAwait(false);
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

    private static string DeniedMessage(string? user, MySqlServerOptions options, bool usedPassword) =>
        $"Access denied for user '{user}'@'{options.ClientHost}' (using password: {(usedPassword ? "YES" : "NO")})";

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Best effort: the client may already be gone.")]
    private static async Task<MySqlServerResult> FailAsync(MySqlPacketChannel channel, ushort code, string sqlState, string message, AuthErrorCode reason, TransportSecurity transport, string? user = null, string? database = null, string? clientPlugin = null)
    {
        try
        {
            await channel.WriteAsync(MySqlPackets.ErrPacket(code, sqlState, message), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Nothing more to tell a client that left.
        }

        return new MySqlServerResult(null, user, database, clientPlugin, reason == AuthErrorCode.Unspecified ? AuthErrorCode.InvalidCredential : reason, channel.Stream, transport, clientMultiFactor: false);
    }

    private static ReadOnlyMemory<byte> MoreData(ReadOnlySpan<byte> data) => new PayloadWriter().Byte(MySqlPackets.AuthMoreData).Bytes(data).Written;

    /// <summary>MySQL sends a 20-byte scramble with a trailing NUL in switch requests; clients expect it.</summary>
    private static byte[] WireData(string plugin, ReadOnlySpan<byte> data) =>
        data.Length == MySqlPackets.ScrambleLength && plugin is "mysql_native_password" or "caching_sha2_password" ? [.. data, 0] : data.ToArray();

    private static ReadOnlyMemory<byte> Greeting(MySqlServerOptions options, MySqlCapabilities capabilities, string plugin, ReadOnlySpan<byte> scramble)
    {
        var caps = (uint)capabilities;
        return new PayloadWriter()
            .Byte(10)
            .NulString(options.ServerVersion)
            .UInt32(options.ConnectionId)
            .Bytes(scramble[..8])
            .Byte(0)
            .UInt16((ushort)caps)
            .Byte(45)
            .UInt16(0x0002)
            .UInt16((ushort)(caps >> 16))
            .Byte((byte)(scramble.Length + 1))
            .Zeros(10)
            .Bytes(scramble[8..])
            .Zeros(Math.Max(1, 13 - (scramble.Length - 8)))
            .NulString(plugin)
            .Written;
    }

    private static Response ParseResponse(byte[] payload)
    {
        var reader = new PayloadReader(payload, "HandshakeResponse41");
        var capabilities = (MySqlCapabilities)reader.ReadUInt32();
        if ((capabilities & MySqlCapabilities.Protocol41) == 0)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The client did not set CLIENT_PROTOCOL_41.");
        }

        _ = reader.ReadUInt32(); // max packet size
        _ = reader.ReadByte(); // character set
        _ = reader.ReadBytes(23);
        var user = reader.ReadNulString();
        ReadOnlySpan<byte> authData;
        if ((capabilities & MySqlCapabilities.PluginAuthLenencClientData) != 0)
        {
            var length = reader.ReadLengthEncodedInteger();
            if (length > (ulong)reader.Remaining)
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, "Malformed MySQL HandshakeResponse41: the auth response is longer than the packet.");
            }

            authData = reader.ReadBytes((int)length);
        }
        else if ((capabilities & MySqlCapabilities.SecureConnection) != 0)
        {
            authData = reader.ReadBytes(reader.ReadByte());
        }
        else
        {
            authData = reader.ReadNulBytes(toEndIfUnterminated: true);
        }

        var auth = authData.ToArray();
        string? database = null;
        if ((capabilities & MySqlCapabilities.ConnectWithDb) != 0 && !reader.AtEnd)
        {
            database = reader.ReadNulString(toEndIfUnterminated: true);
        }

        string? plugin = null;
        if ((capabilities & MySqlCapabilities.PluginAuth) != 0 && !reader.AtEnd)
        {
            plugin = reader.ReadNulString(toEndIfUnterminated: true);
        }

        // Connection attributes (CLIENT_CONNECT_ATTRS) follow; they are not needed and not parsed.
        return new Response(capabilities, user, auth, database, string.IsNullOrEmpty(plugin) ? null : plugin);
    }

    private sealed record Response(MySqlCapabilities Capabilities, string User, byte[] AuthData, string? Database, string? PluginName);
}
