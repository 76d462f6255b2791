using Handshake.Protocols.PostgreSql.Internal;

namespace Handshake.Protocols.PostgreSql;

/// <summary>
/// The client side of PostgreSQL's startup phase over a <see cref="Stream"/>. The adapter owns the framing
/// and the TLS upgrade (SSLRequest, then <see cref="AdapterTls"/>), sends the StartupMessage, and hands the
/// authentication messages to the engine's <see cref="AuthNegotiator.RunAsync(IAuthTransport, HandshakeDeadline, CancellationToken)"/> through a codec
/// (AuthenticationSASL as an offer, SASLContinue, SASLFinal with AuthenticationOk as success, ErrorResponse
/// as a rejection with its SQLSTATE); finally it reads ParameterStatus and BackendKeyData until ReadyForQuery.
/// </summary>
public static class PostgreSqlStartup
{
    /// <summary>Runs the startup phase as a client.</summary>
    /// <param name="stream">A connected stream to the server (the caller keeps ownership).</param>
    /// <param name="options">Database, TLS mode, trust, limits and deadlines.</param>
    /// <param name="negotiatorFactory">Creates the negotiator (plugins registered with <c>AddHandshake</c>).</param>
    /// <param name="credentials">The user name (sent in the StartupMessage) and the secrets.</param>
    /// <param name="cancellationToken">Cancels the startup phase.</param>
    /// <returns>The result, with the stream to continue on.</returns>
    /// <exception cref="HandshakeException">
    /// The server refused (<see cref="AuthErrorCode.ServerRejected"/> with <see cref="HandshakeException.ServerErrorCode"/> = SQLSTATE),
    /// TLS was required but refused or failed (<see cref="AuthErrorCode.PolicyViolation"/>), a message broke the protocol,
    /// a deadline passed (<see cref="AuthErrorCode.Timeout"/> naming the option), the connection failed, or a plugin failed.
    /// </exception>
    /// <exception cref="ArgumentException">The user name, database or a startup parameter contains a NUL character (nothing is sent).</exception>
    public static async Task<PostgreSqlStartupResult> ConnectAsync(
        Stream stream,
        PostgreSqlClientOptions options,
        IAuthNegotiatorFactory negotiatorFactory,
        AuthCredentials credentials,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(negotiatorFactory);
        ArgumentNullException.ThrowIfNull(credentials);

        // Startup parameters are NUL-terminated on the wire: an embedded NUL would end a value early and
        // let the rest be read as further parameters (e.g. "options"). Refuse before sending anything.
        RequireNoNul(credentials.UserName, nameof(credentials));
        RequireNoNul(options.Database, nameof(options));
        foreach (var (name, value) in options.StartupParameters)
        {
            RequireNoNul(name, nameof(options));
            RequireNoNul(value, nameof(options));
        }

        var client = new Client(stream, options, negotiatorFactory, credentials);
        return await client.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void RequireNoNul(string? value, string parameterName)
    {
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A user name, database name or startup parameter contains a NUL character, which the PostgreSQL startup message cannot carry.", parameterName);
        }
    }

    /// <summary>One client startup phase: the connection as it is upgraded, and the negotiator once the transport is known.</summary>
    private sealed class Client(Stream stream, PostgreSqlClientOptions options, IAuthNegotiatorFactory factory, AuthCredentials credentials)
    {
        private readonly Stream _stream = stream;
        private Stream _connection = stream;
        private TransportSecurity _security = TransportSecurity.None;
        private AuthNegotiator? _negotiator;

        public async Task<PostgreSqlStartupResult> RunAsync(CancellationToken cancellationToken)
        {
            using var whole = new HandshakeDeadline(options.Timeout, options.TimeProvider, "PostgreSqlClientOptions.Timeout");
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, whole.Token);
            try
            {
                await NegotiateTlsAsync(linked.Token).ConfigureAwait(false);
                await SendStartupAsync(linked.Token).ConfigureAwait(false);
                _negotiator = factory.Create(credentials, _security);
                AuthResult authentication;
                using (var transport = new PgClientTransport(_connection, _security, options))
                {
                    authentication = await _negotiator.RunAsync(transport, whole, cancellationToken).ConfigureAwait(false);
                }

                return await ReadUntilReadyAsync(authentication, linked.Token).ConfigureAwait(false);
            }
            catch (HandshakeException ex)
            {
                await FailAsync(ex.Code, ex.Message).ConfigureAwait(false);
                throw;
            }
            catch (OperationCanceledException ex) when (whole.HasExpired && !cancellationToken.IsCancellationRequested)
            {
                var timeout = whole.CreateTimeout("The PostgreSQL startup phase", ex);
                await FailAsync(timeout.Code, timeout.Message).ConfigureAwait(false);
                throw timeout;
            }
            catch (OperationCanceledException)
            {
                await FailAsync(AuthErrorCode.Unspecified, "the caller cancelled the startup phase").ConfigureAwait(false);
                throw;
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                await FailAsync(AuthErrorCode.TransportFailure, $"the connection failed ({ex.GetType().Name})").ConfigureAwait(false);
                throw PgErrors.Transport($"The connection to the PostgreSQL server failed ({ex.GetType().Name}).", ex);
            }
            finally
            {
                _negotiator?.Dispose();
            }
        }

        /// <summary>Counts and logs what the adapter itself detected through the engine, then closes the TLS stream this adapter made.</summary>
        private async ValueTask FailAsync(AuthErrorCode code, string reason)
        {
            if (_negotiator is null)
            {
                // Failed before the transport was settled (TLS refused or broken): a negotiator on what was
                // known then records it, so one telemetry path counts every outcome.
                using var early = factory.Create(credentials, _security);
                early.RecordTransportFailure(code, reason);
            }
            else
            {
                _negotiator.RecordTransportFailure(code, reason);
            }

            if (!ReferenceEquals(_connection, _stream))
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async Task NegotiateTlsAsync(CancellationToken cancellationToken)
        {
            if (options.TlsMode == ClientTlsMode.Disable)
            {
                return;
            }

            using (var writer = new PgWriter())
            {
                await writer.Begin(0).WriteInt32(PgProtocol.SslRequestCode).End().FlushAsync(_stream, cancellationToken).ConfigureAwait(false);
            }

            // Exactly one byte is read: nothing the server sends after 'S' may be taken as plaintext (CVE-2021-23222).
            var answer = await AdapterDeadline.RunAsync(
                ct => PgStream.ReadByteAsync(_stream, ct),
                options.FirstMessageTimeout,
                options.TimeProvider,
                "The server's answer to the SSLRequest",
                "PostgreSqlClientOptions.FirstMessageTimeout",
                cancellationToken).ConfigureAwait(false);
            switch (answer)
            {
                case (byte)'N' when options.TlsMode == ClientTlsMode.Prefer:
                    return;
                case (byte)'N':
                    throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The server does not support TLS, and TlsMode is {options.TlsMode}.");
                case (byte)'S':
                    break;
                case (byte)'E':
                    throw new HandshakeException(AuthErrorCode.ServerRejected, "The server answered the SSLRequest with an error (a server older than protocol 3.0?).");
                default:
                    throw PgErrors.Violation($"The server answered the SSLRequest with '{PgStream.PrintableType(answer)}'; only 'S' or 'N' is allowed.");
            }

            (_connection, _security) = await AdapterDeadline.RunAsync(
                async ct =>
                {
                    var (ssl, security) = await AdapterTls.AuthenticateAsClientAsync(_stream, options, ct).ConfigureAwait(false);
                    return ((Stream)ssl, security);
                },
                options.RoundTimeout,
                options.TimeProvider,
                "The TLS handshake with the server",
                "PostgreSqlClientOptions.RoundTimeout",
                cancellationToken).ConfigureAwait(false);
        }

        private async Task SendStartupAsync(CancellationToken cancellationToken)
        {
            using var writer = new PgWriter();

            // StartupMessage (protocol 3.0): user, database, extra parameters, then a terminating NUL.
            writer.Begin(0).WriteInt32(PgProtocol.ProtocolVersion3).WriteCString("user").WriteCString(credentials.UserName);
            if (!string.IsNullOrEmpty(options.Database))
            {
                writer.WriteCString("database").WriteCString(options.Database);
            }

            foreach (var (name, value) in options.StartupParameters)
            {
                if (name is not "user" and not "database")
                {
                    writer.WriteCString(name).WriteCString(value);
                }
            }

            await writer.WriteByte(0).End().FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
        }

        private async Task<PostgreSqlStartupResult> ReadUntilReadyAsync(AuthResult authentication, CancellationToken cancellationToken)
        {
            const int MaxParameters = 256;
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            int processId = 0, secretKey = 0;
            while (true)
            {
                var (type, body) = await AdapterDeadline.RunAsync(
                    ct => PgStream.ReadMessageAsync(_connection, options.MaxMessageLength, ct),
                    options.RoundTimeout,
                    options.TimeProvider,
                    "The server's session start (ParameterStatus, ReadyForQuery)",
                    "PostgreSqlClientOptions.RoundTimeout",
                    cancellationToken).ConfigureAwait(false);
                var reader = new PgReader(body);
                switch (type)
                {
                    case PgProtocol.ParameterStatus:
                        if (parameters.Count >= MaxParameters)
                        {
                            throw PgErrors.Violation($"The server sent more than {MaxParameters} ParameterStatus messages.");
                        }

                        var name = reader.ReadCString();
                        parameters[name] = reader.ReadCString();
                        break;
                    case PgProtocol.BackendKeyData:
                        processId = reader.ReadInt32();
                        secretKey = reader.ReadInt32();
                        break;
                    case PgProtocol.ReadyForQuery:
                        var status = reader.ReadByte();
                        reader.ExpectEnd("ReadyForQuery");
                        return new PostgreSqlStartupResult(authentication, _connection, _security, parameters, processId, secretKey, (char)status);
                    case PgProtocol.NoticeResponse or PgProtocol.NegotiateProtocolVersion:
                        break;
                    case PgProtocol.ErrorResponse:
                        // Authenticated, but the session could not start (no such database, too many connections).
                        var error = PgErrorFields.Parse(body);
                        var sqlState = error.Code is null ? null : PeerText.Printable(error.Code, 8);
                        throw new HandshakeException(AuthErrorCode.ServerRejected, $"The server accepted the credentials but refused the session ({sqlState}): {PeerText.Printable(error.Message)}")
                        {
                            ServerErrorCode = sqlState,
                        };
                    default:
                        throw PgErrors.Violation($"The server sent message '{PgStream.PrintableType(type)}' before ReadyForQuery.");
                }
            }
        }
    }
}
