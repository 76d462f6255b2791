using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Handshake.Protocols.MySql.Internal;

namespace Handshake.Protocols.MySql;

/// <summary>
/// The client side of MySQL's connection phase over a <see cref="Stream"/>: reads the server's
/// Handshake v10, optionally upgrades to TLS, sends HandshakeResponse41 and maps every server packet
/// (AuthSwitchRequest, AuthMoreData, AuthNextFactor, OK, ERR) onto an <see cref="AuthNegotiator"/>.
/// </summary>
public static class MySqlClientConnector
{
    private const MySqlCapabilities Required = MySqlCapabilities.Protocol41 | MySqlCapabilities.SecureConnection | MySqlCapabilities.PluginAuth;

    /// <summary>Runs the connection phase up to the server's OK.</summary>
    /// <param name="stream">The connected stream (not yet TLS).</param>
    /// <param name="createNegotiator">Creates the negotiator once the transport's security is known (after any TLS upgrade). It is disposed here.</param>
    /// <param name="options">User name, database, TLS and plugin choices.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The result, the server's version and the stream to continue on.</returns>
    /// <exception cref="HandshakeException">The server rejected the login (<see cref="AuthErrorCode.ServerRejected"/>, with the server's error number) or the handshake failed.</exception>
    public static async Task<MySqlClientResult> AuthenticateAsync(Stream stream, Func<TransportSecurity, AuthNegotiator> createNegotiator, MySqlClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(createNegotiator);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.UserName);

        var channel = new MySqlPacketChannel(stream, options.MaxHandshakePacketSize);
        var greeting = await channel.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (greeting.Length > 0 && greeting[0] == MySqlPackets.Err)
        {
            var (code, message) = MySqlPackets.ParseErr(greeting);
            throw new HandshakeException(AuthErrorCode.ServerRejected, $"The server refused the connection ({code}): {message}") { ServerErrorCode = code };
        }

        var server = ParseGreeting(greeting);
        if ((server.Capabilities & Required) != Required)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The server ({server.Version}) lacks CLIENT_PROTOCOL_41, SECURE_CONNECTION or PLUGIN_AUTH; it is too old for this client.");
        }

        var capabilities = MySqlCapabilities.LongPassword | MySqlCapabilities.LongFlag | MySqlCapabilities.Transactions | Required
            | (server.Capabilities & (MySqlCapabilities.PluginAuthLenencClientData | MySqlCapabilities.MultiFactorAuthentication));
        if (options.Database is not null)
        {
            capabilities |= MySqlCapabilities.ConnectWithDb;
        }

        var transport = TransportSecurity.None;
        if (options.SslMode == MySqlSslMode.Required)
        {
            if ((server.Capabilities & MySqlCapabilities.Ssl) == 0)
            {
                throw new HandshakeException(AuthErrorCode.PolicyViolation, "TLS is required (MySqlSslMode.Required) but the server does not offer CLIENT_SSL.");
            }

            capabilities |= MySqlCapabilities.Ssl;
            var sslRequest = new PayloadWriter().UInt32((uint)capabilities).UInt32((uint)options.MaxPacketSize).Byte(options.CharacterSet).Zeros(23);
            await channel.WriteAsync(sslRequest.Written, cancellationToken).ConfigureAwait(false);
            (channel.Stream, transport) = await UpgradeAsync(stream, options, cancellationToken).ConfigureAwait(false);
        }

        using var negotiator = createNegotiator(transport);
        var scramble = MySqlPackets.TrimScramble(server.Scramble);

        // Never refuse an unfamiliar first plugin name: answer with one we have and let the server switch us.
        var advertised = string.IsNullOrEmpty(server.PluginName) ? options.FallbackPlugin : server.PluginName;
        var known = options.RegisteredPlugins.Count == 0 ? negotiator.CanUsePlugin(advertised) : options.RegisteredPlugins.Contains(advertised);
        var first = known ? advertised : options.FallbackPlugin;
        var action = await negotiator.HandleAsync(AuthEvent.Begin(first, scramble), cancellationToken).ConfigureAwait(false);

        var response = new PayloadWriter()
            .UInt32((uint)capabilities).UInt32((uint)options.MaxPacketSize).Byte(options.CharacterSet).Zeros(23)
            .NulString(options.UserName);
        var authData = action.Kind == AuthActionKind.Send ? action.Data.Span : default;
        if ((capabilities & MySqlCapabilities.PluginAuthLenencClientData) != 0)
        {
            response.LengthEncodedInteger((ulong)authData.Length);
        }
        else if (authData.Length > byte.MaxValue)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The first auth response is {authData.Length} bytes; this server accepts at most 255 (no PLUGIN_AUTH_LENENC_CLIENT_DATA).", first, 1);
        }
        else
        {
            response.Byte((byte)authData.Length);
        }

        response.Bytes(authData);
        if (options.Database is not null)
        {
            response.NulString(options.Database);
        }

        response.NulString(action.PluginName ?? first);
        await channel.WriteAsync(response.Written, cancellationToken).ConfigureAwait(false);
        response.Clear();

        while (true)
        {
            var packet = await channel.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (packet.Length == 0)
            {
                throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The server sent an empty packet during authentication.", negotiator.CurrentPlugin, negotiator.CurrentFactor);
            }

            var authEvent = packet[0] switch
            {
                MySqlPackets.Ok => AuthEvent.Succeeded(),
                MySqlPackets.Err => Failed(packet),
                MySqlPackets.AuthSwitchRequest => Named(packet, "AuthSwitchRequest", static (name, data) => AuthEvent.Switch(name, data)),
                MySqlPackets.AuthNextFactor when (capabilities & MySqlCapabilities.MultiFactorAuthentication) != 0 => Named(packet, "AuthNextFactor", static (name, data) => AuthEvent.NextFactor(name, data)),
                MySqlPackets.AuthMoreData => AuthEvent.Continue(packet.AsMemory(1)),

                // MariaDB (10.11) sends a plugin's data as it is, prefixing 0x01 only when the first byte
                // could pass for OK, ERR or a switch (sql_acl.cc server_mpvio_write_packet): dialog's
                // questions arrive starting with 2 or 4. The plugin judges such data.
                _ => AuthEvent.Continue(packet),
            };

            action = await negotiator.HandleAsync(authEvent, cancellationToken).ConfigureAwait(false);
            switch (action.Kind)
            {
                case AuthActionKind.Completed:
                    return new MySqlClientResult(action.Result!, server.Version, server.ConnectionId, channel.Stream, transport);
                case AuthActionKind.Send:
                    // AuthSwitchResponse / more data: the raw bytes, next sequence id.
                    await channel.WriteAsync(action.Data, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    // Consumed (e.g. caching_sha2's 0x03 fast-auth marker): the OK follows.
                    break;
            }
        }
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
        var data = packet.AsMemory(reader.Position);
        return create(name, MySqlPackets.TrimScramble(data));
    }

    private static async Task<(Stream Stream, TransportSecurity Transport)> UpgradeAsync(Stream stream, MySqlClientOptions options, CancellationToken cancellationToken)
    {
        var ssl = options.SslOptions ?? new SslClientAuthenticationOptions { TargetHost = "localhost" };
        var userCallback = ssl.RemoteCertificateValidationCallback;
        var verified = false;
        var authOptions = new SslClientAuthenticationOptions
        {
            TargetHost = ssl.TargetHost,
            EnabledSslProtocols = ssl.EnabledSslProtocols,
            ClientCertificates = ssl.ClientCertificates,
            CertificateRevocationCheckMode = ssl.CertificateRevocationCheckMode,

            // Carried over so a caller can trust a private CA (CustomRootTrust) and still count as verified.
            CertificateChainPolicy = ssl.CertificateChainPolicy,
            ClientCertificateContext = ssl.ClientCertificateContext,
            LocalCertificateSelectionCallback = ssl.LocalCertificateSelectionCallback,
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                // Verified means the platform found no fault with chain and host name; a user
                // callback may still accept a faulty certificate, which then counts as unverified.
                verified = errors == SslPolicyErrors.None;
                return userCallback is null ? verified : userCallback(sender, certificate, chain, errors);
            },
        };
        var sslStream = new SslStream(stream, leaveInnerStreamOpen: true);
        try
        {
            await sslStream.AuthenticateAsClientAsync(authOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HandshakeException or System.Security.Authentication.AuthenticationException or IOException)
        {
            await sslStream.DisposeAsync().ConfigureAwait(false);
            throw new HandshakeException(AuthErrorCode.TransportFailure, $"The TLS upgrade failed ({ex.GetType().Name}: {ex.Message}).", innerException: ex);
        }

        var certificate = sslStream.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
        return (sslStream, new TransportSecurity { IsEncrypted = true, IsCertificateVerified = verified, ServerCertificate = certificate });
    }

    private static Greeting ParseGreeting(byte[] payload)
    {
        var reader = new PayloadReader(payload, "Handshake v10");
        var protocol = reader.ReadByte();
        if (protocol != 10)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The server speaks protocol version {protocol}; only Handshake v10 is supported.");
        }

        var version = reader.ReadNulString();
        var connectionId = reader.ReadUInt32();
        var part1 = reader.ReadBytes(8).ToArray();
        _ = reader.ReadByte();
        var capabilities = (MySqlCapabilities)reader.ReadUInt16();
        var scramble = part1;
        var plugin = string.Empty;
        if (!reader.AtEnd)
        {
            _ = reader.ReadByte(); // character set
            _ = reader.ReadUInt16(); // status flags
            capabilities |= (MySqlCapabilities)((uint)reader.ReadUInt16() << 16);
            var authDataLength = reader.ReadByte();
            _ = reader.ReadBytes(10);
            if ((capabilities & MySqlCapabilities.SecureConnection) != 0)
            {
                // Part 2 is max(13, length - 8) bytes, the last of which is usually a NUL.
                var part2 = reader.ReadBytes(Math.Max(13, authDataLength - 8));
                scramble = [.. part1, .. part2];
            }

            if ((capabilities & MySqlCapabilities.PluginAuth) != 0)
            {
                plugin = reader.ReadNulString(toEndIfUnterminated: true);
            }
        }

        return new Greeting(version, connectionId, capabilities, scramble, plugin);
    }

    private sealed record Greeting(string Version, uint ConnectionId, MySqlCapabilities Capabilities, ReadOnlyMemory<byte> Scramble, string PluginName);
}
