namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>
/// The client side of PostgreSQL authentication as the engine's <see cref="IAuthTransport"/>: backend
/// messages become events (AuthenticationSASL an offer, SASLContinue a continue, SASLFinal held until
/// AuthenticationOk and then a success with its data, ErrorResponse a rejection with its SQLSTATE;
/// AuthenticationCleartextPassword, MD5Password and the other non-SASL requests a Begin of the plugin
/// <see cref="PostgreSqlClientOptions.AuthenticationRequestPlugins"/> names), and the negotiator's
/// messages become SASLInitialResponse, SASLResponse or PasswordMessage. It reads no mechanism's payload.
/// </summary>
internal sealed class PgClientTransport(Stream stream, TransportSecurity security, PostgreSqlClientOptions options) : IAuthTransport, IDisposable
{
    private readonly PgWriter _writer = new();
    private SaslState _sasl;
    private byte[]? _saslFinal;
    private bool _first = true;

    public TransportSecurity Security => security;

    public async ValueTask<AuthEvent> ReceiveAsync(CancellationToken cancellationToken)
    {
        // The server's first answer to the StartupMessage under the first-message deadline, every later one
        // under the per-round deadline; the engine's own round and handshake deadlines run around both.
        var (limit, option, what) = _first
            ? (options.FirstMessageTimeout, "PostgreSqlClientOptions.FirstMessageTimeout", "The server's first authentication message")
            : (options.RoundTimeout, "PostgreSqlClientOptions.RoundTimeout", "The server's next authentication message");
        _first = false;
        return await AdapterDeadline.RunAsync(ReadEventAsync, limit, options.TimeProvider, what, option, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SendAsync(AuthClientMessage message, CancellationToken cancellationToken)
    {
        _writer.Begin(PgProtocol.PasswordMessage);
        if (_sasl == SaslState.Offered)
        {
            // SASLInitialResponse: mechanism, Int32 length of the client-first message, the message.
            var mechanism = message.PluginName ?? throw PgErrors.Violation("The negotiator chose no SASL mechanism.");
            _writer.WriteCString(mechanism).WriteInt32(message.Data.Length).WriteBytes(message.Data.Span);
            _sasl = SaslState.InProgress;
        }
        else
        {
            // SASLResponse, or PasswordMessage for a plugin begun by AuthenticationCleartextPassword/MD5Password: the data verbatim.
            _writer.WriteBytes(message.Data.Span);
        }

        await _writer.End().FlushAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _writer.Dispose();

    private async ValueTask<AuthEvent> ReadEventAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (type, body) = await PgStream.ReadMessageAsync(stream, options.MaxMessageLength, cancellationToken).ConfigureAwait(false);
            switch (type)
            {
                case PgProtocol.Authentication:
                    if (ReadAuthentication(body) is { } authEvent)
                    {
                        return authEvent;
                    }

                    continue; // SASLFinal: held until AuthenticationOk.
                case PgProtocol.ErrorResponse:
                    var error = PgErrorFields.Parse(body);
                    return AuthEvent.Failed(error.Code, error.Message);
                case PgProtocol.NoticeResponse or PgProtocol.NegotiateProtocolVersion:
                    continue;
                default:
                    throw PgErrors.Violation($"The server sent message '{PgStream.PrintableType(type)}' during authentication.");
            }
        }
    }

    private AuthEvent? ReadAuthentication(byte[] body)
    {
        var reader = new PgReader(body);
        var code = reader.ReadInt32();
        if (_saslFinal is not null && code != PgProtocol.AuthOk)
        {
            throw PgErrors.Violation($"The server sent authentication request {code} after SASLFinal; only AuthenticationOk may follow it.");
        }

        switch (code)
        {
            case PgProtocol.AuthOk:
                reader.ExpectEnd("AuthenticationOk");
                var final = _saslFinal ?? [];
                _saslFinal = null;
                return AuthEvent.Succeeded(final);
            case PgProtocol.AuthSasl:
                if (_sasl != SaslState.None)
                {
                    throw PgErrors.Violation("The server sent AuthenticationSASL twice.");
                }

                var mechanisms = new List<string>();
                while (true)
                {
                    var name = reader.ReadCString();
                    if (name.Length == 0)
                    {
                        break;
                    }

                    if (mechanisms.Count == PgProtocol.MaxMechanisms)
                    {
                        throw PgErrors.Violation($"The server offered more than {PgProtocol.MaxMechanisms} SASL mechanisms.");
                    }

                    mechanisms.Add(name);
                }

                reader.ExpectEnd("AuthenticationSASL");
                _sasl = SaslState.Offered;
                return AuthEvent.Offer(mechanisms);
            case PgProtocol.AuthSaslContinue:
                RequireSasl("SASLContinue");
                return AuthEvent.Continue(reader.ReadRest().ToArray());
            case PgProtocol.AuthSaslFinal:
                RequireSasl("SASLFinal");
                _saslFinal = reader.ReadRest().ToArray();
                _sasl = SaslState.Final;
                return null;
            case PgProtocol.AuthCleartextPassword or PgProtocol.AuthMd5Password or PgProtocol.AuthKerberosV5 or PgProtocol.AuthGss or PgProtocol.AuthSspi:
                // The request's body (MD5's salt) is the plugin's to read; which plugin answers is the options'.
                return Begin((PostgreSqlAuthenticationRequest)code, reader.ReadRest().ToArray());
            default:
                throw PgErrors.Violation($"The server sent authentication request code {code}, which this client does not know.");
        }
    }

    private AuthEvent Begin(PostgreSqlAuthenticationRequest request, byte[] data)
    {
        if (_sasl != SaslState.None)
        {
            throw PgErrors.Violation($"The server sent Authentication{request} during a SASL exchange.");
        }

        return options.AuthenticationRequestPlugins.TryGetValue(request, out var plugin) && !string.IsNullOrEmpty(plugin)
            ? AuthEvent.Begin(plugin, data)
            : throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The server asked for Authentication{request}, which PostgreSqlClientOptions.AuthenticationRequestPlugins maps to no plugin: add an entry to answer it.");
    }

    private void RequireSasl(string what)
    {
        if (_sasl != SaslState.InProgress)
        {
            throw PgErrors.Violation($"The server sent {what} {(_sasl == SaslState.Final ? "after SASLFinal" : "without a SASL exchange in progress")}.");
        }
    }

    private enum SaslState
    {
        None,
        Offered,
        InProgress,
        Final,
    }
}
