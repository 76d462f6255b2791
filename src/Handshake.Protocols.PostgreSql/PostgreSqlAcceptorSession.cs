using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using Handshake.Protocols.PostgreSql.Internal;

namespace Handshake.Protocols.PostgreSql;

/// <summary>
/// The server side of PostgreSQL's startup phase over a <see cref="Stream"/>. The adapter owns the framing
/// and the TLS upgrade: it answers SSLRequest ('S' and a TLS handshake through <see cref="AdapterTls"/>, or
/// 'N'), GSSENCRequest ('N') and CancelRequest (close), and reads the StartupMessage under the
/// first-message deadline. The exchange itself runs under the engine's <see cref="AuthAcceptor.RunAsync(IAcceptorTransport, string, HandshakeDeadline, CancellationToken)"/>
/// in <see cref="AcceptorStartMode.Offer"/> through a codec (AuthenticationSASL, SASLContinue, SASLFinal,
/// AuthenticationOk, or a FATAL ErrorResponse: 28P01 for a wrong password, 28000 otherwise); then
/// ParameterStatus, BackendKeyData and ReadyForQuery, so real clients consider the login complete.
/// Afterwards <see cref="AdapterAcceptorOptions.SessionHandler"/> serves the session (the shape every adapter shares),
/// or every query is answered with feature_not_supported (0A000) until Terminate.
/// </summary>
public static class PostgreSqlAcceptorSession
{
    /// <summary>Serves one connection until the client terminates, closes, idles out, or fails authentication.</summary>
    /// <param name="stream">The accepted connection (the caller keeps ownership and closes it afterwards).</param>
    /// <param name="options">Certificate, parameters, limits and deadlines.</param>
    /// <param name="acceptorFactory">Creates the acceptor (verifiers and credential store registered with <c>AddAcceptor</c>).</param>
    /// <param name="cancellationToken">Cancels the session. Before authentication completes it throws <see cref="OperationCanceledException"/>; after, the session ends and its result is returned.</param>
    /// <returns>How the session ended.</returns>
    /// <exception cref="ArgumentException">The options are inconsistent (<see cref="AdapterAcceptorOptions.RequireTls"/> without a certificate).</exception>
    public static async Task<PostgreSqlAcceptorResult> AcceptAsync(Stream stream, PostgreSqlAcceptorOptions options, IAuthAcceptorFactory acceptorFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(acceptorFactory);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RequireTls && options.ServerCertificate is null)
        {
            throw new ArgumentException("RequireTls needs a ServerCertificate.", nameof(options));
        }

        var session = new Session(stream, options, acceptorFactory);
        try
        {
            return await session.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Session(Stream stream, PostgreSqlAcceptorOptions options, IAuthAcceptorFactory factory) : IAsyncDisposable
    {
        private readonly PgWriter _writer = new();
        [SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "The caller owns the accepted stream; the TLS stream wrapped around it is disposed through _ssl.")]
        private Stream _connection = stream;
        private SslStream? _ssl;
        private TransportSecurity _security = TransportSecurity.None;
        private AuthAcceptor? _acceptor;
        private string? _user;
        private string? _database;

        public async ValueTask DisposeAsync()
        {
            _writer.Dispose();
            _acceptor?.Dispose();
            if (_ssl is not null)
            {
                await _ssl.DisposeAsync().ConfigureAwait(false);
            }
        }

        [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever a client causes ends the session with a result for the server's log, never an unhandled exception in the accept loop.")]
        public async Task<PostgreSqlAcceptorResult> RunAsync(CancellationToken cancellationToken)
        {
            AuthResult result;
            using (var whole = new HandshakeDeadline(options.AuthenticationTimeout, options.TimeProvider, "PostgreSqlAcceptorOptions.AuthenticationTimeout"))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, whole.Token))
            {
                try
                {
                    if (!await ReadStartupAsync(linked.Token).ConfigureAwait(false))
                    {
                        return Ended(null, AuthErrorCode.Unspecified, "cancel request", cancelRequest: true);
                    }

                    if (options.RequireTls && _ssl is null)
                    {
                        await SendErrorAsync("FATAL", "28000", $"no encryption: this server accepts user \"{_user}\" over TLS only", linked.Token).ConfigureAwait(false);
                        return Failed(AuthErrorCode.PolicyViolation, "the client did not upgrade to TLS");
                    }

                    if (await AuthenticateAsync(whole, linked.Token, cancellationToken).ConfigureAwait(false) is not { } authenticated)
                    {
                        return Ended(null, _acceptor!.FailureReason, _acceptor.FailureDetail);
                    }

                    result = authenticated;
                }
                catch (OperationCanceledException) when (whole.HasExpired && !cancellationToken.IsCancellationRequested)
                {
                    return Failed(AuthErrorCode.Timeout, whole.Describe("The client's startup phase"));
                }
                catch (OperationCanceledException)
                {
                    Record(AuthErrorCode.Unspecified, "the server cancelled the startup phase");
                    throw;
                }
                catch (HandshakeException ex)
                {
                    if (ex.Code == AuthErrorCode.ProtocolViolation)
                    {
                        await TrySendErrorAsync("FATAL", "08P01", ex.Message, linked.Token).ConfigureAwait(false);
                    }

                    return Failed(ex.Code, ex.Message);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                {
                    return Failed(AuthErrorCode.TransportFailure, $"the connection failed ({ex.GetType().Name})");
                }
            }

            try
            {
                await (options.SessionHandler is { } handler
                    ? handler(new AdapterSession(_connection, result, _security, options) { Database = _database }, cancellationToken)
                    : ServeQueriesAsync(cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HandshakeException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The client was authenticated; how its session ended afterwards, a server shutting
                // down (cancellation) included, does not change that: the caller gets the result to log.
            }

            return Ended(result, AuthErrorCode.Unspecified, null);
        }

        private PostgreSqlAcceptorResult Ended(AuthResult? result, AuthErrorCode reason, string? detail, bool cancelRequest = false) =>
            new(_user, _database, _security, result, reason, detail, cancelRequest);

        /// <summary>Ends with a failure the adapter detected, counted and logged through the engine's telemetry.</summary>
        private PostgreSqlAcceptorResult Failed(AuthErrorCode reason, string detail)
        {
            Record(reason, detail);
            return Ended(null, _acceptor?.FailureReason is { } recorded and not AuthErrorCode.Unspecified ? recorded : reason, _acceptor?.FailureDetail ?? detail);
        }

        private void Record(AuthErrorCode reason, string detail)
        {
            // Before the exchange began there is no acceptor yet: one made on what is known now records it.
            _acceptor ??= factory.Create(_security, AcceptorStartMode.Offer);
            _acceptor.RecordTransportFailure(reason, detail);
        }

        /// <summary>Reads packets until a StartupMessage; false for a CancelRequest.</summary>
        private async Task<bool> ReadStartupAsync(CancellationToken cancellationToken)
        {
            var gssAnswered = false;
            var first = true;
            while (true)
            {
                // The first packet (SSLRequest, GSSENCRequest or StartupMessage) under the first-message
                // deadline: a client that connects and says nothing is dropped then, not after the whole phase.
                var body = await AdapterDeadline.RunAsync(
                    ct => PgStream.ReadStartupPacketAsync(_connection, ct),
                    first ? options.FirstMessageTimeout : options.RoundTimeout,
                    options.TimeProvider,
                    first ? "The client's startup packet" : "The client's StartupMessage",
                    first ? "PostgreSqlAcceptorOptions.FirstMessageTimeout" : "PostgreSqlAcceptorOptions.RoundTimeout",
                    cancellationToken).ConfigureAwait(false);
                first = false;
                var reader = new PgReader(body);
                var code = reader.ReadInt32();
                switch (code)
                {
                    case PgProtocol.SslRequestCode:
                        reader.ExpectEnd("SSLRequest");
                        if (_ssl is not null)
                        {
                            throw PgErrors.Violation("The client sent SSLRequest inside TLS.");
                        }

                        await UpgradeAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    case PgProtocol.GssEncRequestCode:
                        reader.ExpectEnd("GSSENCRequest");
                        if (gssAnswered || _ssl is not null)
                        {
                            throw PgErrors.Violation("The client sent GSSENCRequest twice or inside TLS.");
                        }

                        gssAnswered = true;
                        await _writer.WriteByte((byte)'N').FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
                        continue;
                    case PgProtocol.CancelRequestCode:
                        // Nothing runs here, so nothing can be cancelled: close without a reply, as PostgreSQL does.
                        return false;
                    default:
                        break;
                }

                if (code >> 16 != 3)
                {
                    await SendErrorAsync("FATAL", "0A000", $"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}: server supports 3.0", cancellationToken).ConfigureAwait(false);
                    throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The client asked for an unsupported protocol version.");
                }

                var unrecognized = new List<string>();
                while (true)
                {
                    var name = reader.ReadCString();
                    if (name.Length == 0)
                    {
                        break;
                    }

                    var value = reader.ReadCString();
                    switch (name)
                    {
                        case "user": _user = value; break;
                        case "database": _database = value; break;
                        default:
                            if (name.StartsWith("_pq_.", StringComparison.Ordinal))
                            {
                                unrecognized.Add(name);
                            }

                            break;
                    }
                }

                reader.ExpectEnd("StartupMessage");
                if (string.IsNullOrEmpty(_user))
                {
                    await SendErrorAsync("FATAL", "28000", "no PostgreSQL user name specified in startup packet", cancellationToken).ConfigureAwait(false);
                    throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The StartupMessage named no user.");
                }

                _database = string.IsNullOrEmpty(_database) ? _user : _database;
                if ((code & 0xFFFF) != 0 || unrecognized.Count > 0)
                {
                    // Protocol 3.x, x > 0, or protocol options: say which minor version and options this server speaks.
                    _writer.Begin((byte)'v').WriteInt32(0).WriteInt32(unrecognized.Count);
                    foreach (var name in unrecognized)
                    {
                        _writer.WriteCString(name);
                    }

                    _writer.End();
                }

                return true;
            }
        }

        private async Task UpgradeAsync(CancellationToken cancellationToken)
        {
            if (options.ServerCertificate is not { } certificate)
            {
                await _writer.WriteByte((byte)'N').FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
                return;
            }

            await _writer.WriteByte((byte)'S').FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
            var (ssl, security) = await AdapterDeadline.RunAsync(
                ct => AdapterTls.AuthenticateAsServerAsync(_connection, certificate, ct),
                options.RoundTimeout,
                options.TimeProvider,
                "The client's TLS handshake",
                "PostgreSqlAcceptorOptions.RoundTimeout",
                cancellationToken).ConfigureAwait(false);
            _ssl = ssl;
            _connection = ssl;
            _security = security;
        }

        private async Task<AuthResult?> AuthenticateAsync(HandshakeDeadline deadline, CancellationToken cancellationToken, CancellationToken callerToken)
        {
            _acceptor = factory.Create(_security, AcceptorStartMode.Offer);
            using var transport = new PgAcceptorTransport(_connection, _security, options, _user!, writer => PgSessionMessages.WriteSessionStart(writer, options.ServerParameters))
            {
                Acceptor = _acceptor,
            };

            // Bytes written before the exchange (NegotiateProtocolVersion) go out with its first message.
            await _writer.FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
            var result = await _acceptor.RunAsync(transport, _user, deadline, callerToken).ConfigureAwait(false);
            if (result is null && !transport.Concluded && _acceptor.FailureReason == AuthErrorCode.ProtocolViolation)
            {
                // The codec refused a client message: the client still learns why, as PostgreSQL tells it.
                await TrySendErrorAsync("FATAL", "08P01", _acceptor.FailureDetail ?? "protocol violation", cancellationToken).ConfigureAwait(false);
            }

            return result;
        }

        private async Task ServeQueriesAsync(CancellationToken cancellationToken)
        {
            var inFailedExtendedQuery = false;
            for (var count = 0; count < options.MaxSessionMessages; count++)
            {
                byte type;
                using (var idle = new CancellationTokenSource(options.IdleTimeout, options.TimeProvider))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
                {
                    (type, _) = await PgStream.ReadMessageAsync(_connection, options.MaxMessageLength, linked.Token).ConfigureAwait(false);
                }

                switch (type)
                {
                    case PgProtocol.Terminate:
                        return;
                    case PgProtocol.Query:
                        PgSessionMessages.WriteError(_writer, "ERROR", "0A000", "this server (Handshake's PostgreSQL acceptor) authenticates connections and runs no queries");
                        _writer.Begin(PgProtocol.ReadyForQuery).WriteByte((byte)'I').End();
                        await _writer.FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
                        break;
                    case PgProtocol.Sync:
                        // The end of an extended-query batch: after an error everything up to here was skipped.
                        inFailedExtendedQuery = false;
                        await _writer.Begin(PgProtocol.ReadyForQuery).WriteByte((byte)'I').End().FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
                        break;
                    case (byte)'P' or (byte)'B' or (byte)'D' or (byte)'E' or (byte)'C' or (byte)'F':
                        if (!inFailedExtendedQuery)
                        {
                            inFailedExtendedQuery = true;
                            await SendErrorAsync("ERROR", "0A000", "this server (Handshake's PostgreSQL acceptor) authenticates connections and runs no queries", cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case (byte)'H':
                        break;
                    default:
                        await SendErrorAsync("FATAL", "08P01", $"invalid frontend message type {type}", cancellationToken).ConfigureAwait(false);
                        return;
                }
            }
        }

        private async Task SendErrorAsync(string severity, string code, string message, CancellationToken cancellationToken)
        {
            PgSessionMessages.WriteError(_writer, severity, code, message);
            await _writer.FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
        }

        [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Best effort: the connection is being abandoned anyway.")]
        private async Task TrySendErrorAsync(string severity, string code, string message, CancellationToken cancellationToken)
        {
            try
            {
                await SendErrorAsync(severity, code, message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                _writer.Clear();
            }
        }
    }
}
