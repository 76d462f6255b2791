using System.Security.Cryptography;

namespace Handshake.Protocols.PostgreSql.Internal;

/// <summary>
/// The server side of PostgreSQL authentication as the engine's <see cref="IAcceptorTransport"/>: the
/// acceptor's events become AuthenticationSASL, SASLContinue, SASLFinal + AuthenticationOk (followed by the
/// session start the caller supplies) or a FATAL ErrorResponse (28P01 for a wrong password, 28000 otherwise);
/// SASLInitialResponse and SASLResponse become the client's messages. Switch and NextFactor have no
/// PostgreSQL message, so they end the exchange with 28000. It reads no mechanism's payload.
/// </summary>
internal sealed class PgAcceptorTransport(Stream stream, TransportSecurity security, PostgreSqlAcceptorOptions options, string userName, Action<PgWriter> writeSessionStart) : IAcceptorTransport, IDisposable
{
    private readonly PgWriter _writer = new();
    private bool _first = true;
    private byte[]? _held;

    /// <summary>Gets or sets the acceptor this transport serves: the failure message depends on its reason.</summary>
    public AuthAcceptor? Acceptor { get; set; }

    /// <summary>Gets a value indicating whether an ErrorResponse or AuthenticationOk already went out (the client has its answer).</summary>
    public bool Concluded { get; private set; }

    public TransportSecurity Security => security;

    public async ValueTask<AuthClientMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        Wipe();
        var (type, body) = await AdapterDeadline.RunAsync(
            ct => PgStream.ReadMessageAsync(stream, options.MaxMessageLength, ct),
            options.RoundTimeout,
            options.TimeProvider,
            "The client's next authentication message",
            "PostgreSqlAcceptorOptions.RoundTimeout",
            cancellationToken).ConfigureAwait(false);
        if (type != PgProtocol.PasswordMessage)
        {
            CryptographicOperations.ZeroMemory(body);
            throw PgErrors.Violation($"expected SASL response, got message type '{PgStream.PrintableType(type)}'");
        }

        if (!_first)
        {
            _held = body;
            return new AuthClientMessage(null, body);
        }

        // SASLInitialResponse: mechanism, Int32 length of the initial response (-1: none), the response.
        _first = false;
        try
        {
            var reader = new PgReader(body);
            var mechanism = reader.ReadCString();
            var length = reader.ReadInt32();
            _held = length == -1 ? [] : reader.ReadBytes(length).ToArray();
            reader.ExpectEnd("SASLInitialResponse");
            return new AuthClientMessage(mechanism, _held);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    public async ValueTask SendAsync(AuthEvent authEvent, CancellationToken cancellationToken)
    {
        switch (authEvent.Kind)
        {
            case AuthEventKind.Offer:
                // AuthenticationSASL: each mechanism NUL-terminated, then an empty name.
                _writer.Begin(PgProtocol.Authentication).WriteInt32(PgProtocol.AuthSasl);
                foreach (var mechanism in authEvent.Mechanisms!)
                {
                    _writer.WriteCString(mechanism);
                }

                await _writer.WriteByte(0).End().FlushAsync(stream, cancellationToken).ConfigureAwait(false);
                return;
            case AuthEventKind.Continue:
                await _writer.Begin(PgProtocol.Authentication).WriteInt32(PgProtocol.AuthSaslContinue).WriteBytes(authEvent.Data.Span).End()
                    .FlushAsync(stream, cancellationToken).ConfigureAwait(false);
                return;
            case AuthEventKind.Succeeded:
                if (!authEvent.Data.IsEmpty)
                {
                    _writer.Begin(PgProtocol.Authentication).WriteInt32(PgProtocol.AuthSaslFinal).WriteBytes(authEvent.Data.Span).End();
                }

                _writer.Begin(PgProtocol.Authentication).WriteInt32(PgProtocol.AuthOk).End();
                writeSessionStart(_writer);
                Concluded = true;
                await _writer.FlushAsync(stream, cancellationToken).ConfigureAwait(false);
                return;
            case AuthEventKind.Failed:
                Concluded = true;
                await SendErrorAsync(Acceptor?.FailureReason == AuthErrorCode.InvalidCredential ? "28P01" : "28000", cancellationToken).ConfigureAwait(false);
                return;
            default:
                // Begin, Switch, NextFactor: PostgreSQL's SASL exchange has no message for them.
                Concluded = true;
                await SendErrorAsync("28000", cancellationToken).ConfigureAwait(false);
                throw new HandshakeException(AuthErrorCode.PolicyViolation, $"the user's policy needs '{authEvent.Kind}', which the PostgreSQL protocol cannot carry");
        }
    }

    public void Dispose()
    {
        Wipe();
        _writer.Dispose();
    }

    private ValueTask SendErrorAsync(string sqlState, CancellationToken cancellationToken)
    {
        var message = sqlState == "28P01" ? $"password authentication failed for user \"{userName}\"" : $"authentication failed for user \"{userName}\"";
        PgSessionMessages.WriteError(_writer, "FATAL", sqlState, message);
        return _writer.FlushAsync(stream, cancellationToken);
    }

    private void Wipe()
    {
        if (_held is { } held)
        {
            CryptographicOperations.ZeroMemory(held);
            _held = null;
        }
    }
}
