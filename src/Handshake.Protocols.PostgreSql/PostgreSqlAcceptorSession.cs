using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using Handshake.Protocols.PostgreSql.Internal;

namespace Handshake.Protocols.PostgreSql;

/// <summary>
/// The server side of PostgreSQL's startup phase over a <see cref="Stream"/>: answers SSLRequest
/// ('S' and a TLS handshake with the configured certificate, or 'N'), GSSENCRequest ('N') and
/// CancelRequest (close); reads the StartupMessage; runs an <see cref="AuthAcceptor"/> in
/// <see cref="AcceptorStartMode.Offer"/> mapped onto AuthenticationSASL, SASLContinue, SASLFinal and
/// AuthenticationOk, or a FATAL ErrorResponse (28P01 for a wrong password, 28000 otherwise); then
/// ParameterStatus, BackendKeyData and ReadyForQuery, so real clients consider the login complete.
/// Afterwards <see cref="PostgreSqlAcceptorOptions.QueryPhase"/> serves the session, or every query is answered with feature_not_supported (0A000) until Terminate.
/// </summary>
public static class PostgreSqlAcceptorSession
{
    /// <summary>Serves one connection until the client terminates, closes, idles out, or fails authentication.</summary>
    /// <param name="stream">The accepted connection (the caller keeps ownership and closes it afterwards).</param>
    /// <param name="acceptorFactory">Creates the acceptor (verifiers and credential store registered with <c>AddAcceptor</c>).</param>
    /// <param name="options">Certificate, parameters and limits.</param>
    /// <param name="cancellationToken">Cancels the session. Before authentication completes it throws <see cref="OperationCanceledException"/>; after, the session ends and its result is returned.</param>
    /// <returns>How the session ended.</returns>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever a client causes ends the session with a result for the server's log, never an unhandled exception in the accept loop.")]
    public static async Task<PostgreSqlAcceptorResult> RunAsync(Stream stream, IAuthAcceptorFactory acceptorFactory, PostgreSqlAcceptorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(acceptorFactory);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RequireTls && options.ServerCertificate is null)
        {
            throw new ArgumentException("RequireTls needs a ServerCertificate.", nameof(options));
        }

        var session = new Session(stream, options);
        try
        {
            return await session.RunAsync(acceptorFactory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Session(Stream stream, PostgreSqlAcceptorOptions options) : IAsyncDisposable
    {
        private readonly PgWriter _writer = new();
        [SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "The caller owns the accepted stream; the TLS stream wrapped around it is disposed through _ssl.")]
        private Stream _connection = stream;
        private SslStream? _ssl;
        private string? _user;
        private string? _database;

        public async ValueTask DisposeAsync()
        {
            _writer.Dispose();
            if (_ssl is not null)
            {
                await _ssl.DisposeAsync().ConfigureAwait(false);
            }
        }

        [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "See RunAsync.")]
        public async Task<PostgreSqlAcceptorResult> RunAsync(IAuthAcceptorFactory factory, CancellationToken cancellationToken)
        {
            AuthResult? result;
            using (var deadline = new CancellationTokenSource(options.StartupTimeout))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token))
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
                        return Ended(null, AuthErrorCode.PolicyViolation, "the client did not upgrade to TLS");
                    }

                    var (authResult, reason, detail) = await AuthenticateAsync(factory, linked.Token).ConfigureAwait(false);
                    if (authResult is null)
                    {
                        return Ended(null, reason, detail);
                    }

                    result = authResult;
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return Ended(null, AuthErrorCode.Timeout, "the client did not finish the startup phase in time");
                }
                catch (HandshakeException ex)
                {
                    if (ex.Code == AuthErrorCode.ProtocolViolation)
                    {
                        await TrySendErrorAsync("FATAL", "08P01", ex.Message, linked.Token).ConfigureAwait(false);
                    }

                    return Ended(null, ex.Code, ex.Message);
                }
                catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
                {
                    return Ended(null, AuthErrorCode.TransportFailure, $"the connection failed ({ex.GetType().Name})");
                }
            }

            try
            {
                await (options.QueryPhase is { } queryPhase ? queryPhase(_connection, cancellationToken) : ServeQueriesAsync(cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HandshakeException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The client was authenticated; how its session ended afterwards, a server shutting
                // down (cancellation) included, does not change that: the caller gets the result to log.
            }

            return Ended(result, AuthErrorCode.Unspecified, null);
        }

        private PostgreSqlAcceptorResult Ended(AuthResult? result, AuthErrorCode reason, string? detail, bool cancelRequest = false) =>
            new(_user, _database, _ssl is not null, result, reason, detail, cancelRequest);

        /// <summary>Reads packets until a StartupMessage; false for a CancelRequest.</summary>
        private async Task<bool> ReadStartupAsync(CancellationToken cancellationToken)
        {
            var gssAnswered = false;
            while (true)
            {
                var body = await PgStream.ReadStartupPacketAsync(_connection, cancellationToken).ConfigureAwait(false);
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
            _ssl = new SslStream(_connection, leaveInnerStreamOpen: true);
            _connection = _ssl;
            await _ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken).ConfigureAwait(false);
        }

        private async Task<(AuthResult? Result, AuthErrorCode Reason, string? Detail)> AuthenticateAsync(IAuthAcceptorFactory factory, CancellationToken cancellationToken)
        {
            // On the server side "verified" means the server presented its certificate; it is what SCRAM-SHA-256-PLUS binds to.
            var transport = _ssl is null
                ? TransportSecurity.None
                : new TransportSecurity { IsEncrypted = true, IsCertificateVerified = true, ServerCertificate = options.ServerCertificate };
            using var acceptor = factory.Create(transport, AcceptorStartMode.Offer);
            var next = await acceptor.StartAsync(_user, cancellationToken).ConfigureAwait(false);
            var first = true;
            while (true)
            {
                switch (next.Kind)
                {
                    case AuthEventKind.Offer:
                        // AuthenticationSASL: each mechanism NUL-terminated, then an empty name.
                        _writer.Begin(PgProtocol.Authentication).WriteInt32(PgProtocol.AuthSasl);
                        foreach (var mechanism in next.Mechanisms!)
                        {
                            _writer.WriteCString(mechanism);
                        }

                        await _writer.WriteByte(0).End().FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
                        break;
                    case AuthEventKind.Continue:
                        await _writer.Begin(PgProtocol.Authentication).WriteInt32(PgProtocol.AuthSaslContinue).WriteBytes(next.Data.Span).End()
                            .FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
                        break;
                    case AuthEventKind.Succeeded:
                        if (!next.Data.IsEmpty)
                        {
                            _writer.Begin(PgProtocol.Authentication).WriteInt32(PgProtocol.AuthSaslFinal).WriteBytes(next.Data.Span).End();
                        }

                        _writer.Begin(PgProtocol.Authentication).WriteInt32(PgProtocol.AuthOk).End();
                        WriteSessionStart();
                        await _writer.FlushAsync(_connection, cancellationToken).ConfigureAwait(false);
                        return (acceptor.Result, AuthErrorCode.Unspecified, null);
                    case AuthEventKind.Failed:
                        await SendAuthFailureAsync(acceptor.FailureReason, cancellationToken).ConfigureAwait(false);
                        return (null, acceptor.FailureReason, acceptor.FailureDetail);
                    default:
                        // Begin, Switch, NextFactor: PostgreSQL's SASL exchange has no message for them.
                        await SendErrorAsync("FATAL", "28000", $"authentication failed for user \"{_user}\"", cancellationToken).ConfigureAwait(false);
                        return (null, AuthErrorCode.PolicyViolation, $"the user's policy needs '{next.Kind}', which the PostgreSQL protocol cannot carry");
                }

                var (type, body) = await PgStream.ReadMessageAsync(_connection, options.MaxMessageLength, cancellationToken).ConfigureAwait(false);
                if (type != PgProtocol.PasswordMessage)
                {
                    throw PgErrors.Violation($"expected SASL response, got message type '{PgStream.PrintableType(type)}'");
                }

                AuthClientMessage message;
                if (first)
                {
                    // SASLInitialResponse: mechanism, Int32 length of the initial response (-1: none), the response.
                    var reader = new PgReader(body);
                    var mechanism = reader.ReadCString();
                    var length = reader.ReadInt32();
                    var data = length == -1 ? [] : reader.ReadBytes(length).ToArray();
                    reader.ExpectEnd("SASLInitialResponse");
                    message = new AuthClientMessage(mechanism, data);
                    first = false;
                }
                else
                {
                    message = new AuthClientMessage(null, body);
                }

                try
                {
                    next = await acceptor.HandleAsync(message, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(body);
                }
            }
        }

        private void WriteSessionStart()
        {
            foreach (var (name, value) in options.ServerParameters)
            {
                _writer.Begin(PgProtocol.ParameterStatus).WriteCString(name).WriteCString(value).End();
            }

            Span<byte> key = stackalloc byte[8];
            RandomNumberGenerator.Fill(key);
            _writer.Begin(PgProtocol.BackendKeyData)
                .WriteInt32(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(key) & int.MaxValue)
                .WriteInt32(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(key[4..]))
                .End();
            _writer.Begin(PgProtocol.ReadyForQuery).WriteByte((byte)'I').End();
        }

        private async Task ServeQueriesAsync(CancellationToken cancellationToken)
        {
            var inFailedExtendedQuery = false;
            for (var count = 0; count < options.MaxSessionMessages; count++)
            {
                byte type;
                using (var idle = new CancellationTokenSource(options.IdleTimeout))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
                {
                    (type, _) = await PgStream.ReadMessageAsync(_connection, options.MaxMessageLength, linked.Token).ConfigureAwait(false);
                }

                switch (type)
                {
                    case PgProtocol.Terminate:
                        return;
                    case PgProtocol.Query:
                        WriteError("ERROR", "0A000", "this server (Handshake's PostgreSQL acceptor) authenticates connections and runs no queries");
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

        private Task SendAuthFailureAsync(AuthErrorCode reason, CancellationToken cancellationToken) =>
            reason == AuthErrorCode.InvalidCredential
                ? SendErrorAsync("FATAL", "28P01", $"password authentication failed for user \"{_user}\"", cancellationToken)
                : SendErrorAsync("FATAL", "28000", $"authentication failed for user \"{_user}\"", cancellationToken);

        private async Task SendErrorAsync(string severity, string code, string message, CancellationToken cancellationToken)
        {
            WriteError(severity, code, message);
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

        private void WriteError(string severity, string code, string message) =>
            _writer.Begin(PgProtocol.ErrorResponse)
                .WriteByte((byte)'S').WriteCString(severity)
                .WriteByte((byte)'V').WriteCString(severity)
                .WriteByte((byte)'C').WriteCString(code)
                .WriteByte((byte)'M').WriteCString(message.ToString(CultureInfo.InvariantCulture))
                .WriteByte(0)
                .End();
    }
}
