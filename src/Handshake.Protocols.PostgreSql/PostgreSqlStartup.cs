using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Handshake.Protocols.PostgreSql.Internal;

namespace Handshake.Protocols.PostgreSql;

/// <summary>
/// The client side of PostgreSQL's startup phase over a <see cref="Stream"/>: SSLRequest and TLS
/// upgrade, StartupMessage, then every authentication message mapped onto an <see cref="AuthNegotiator"/>
/// (AuthenticationSASL as an offer, SASLContinue, SASLFinal with AuthenticationOk as success,
/// ErrorResponse as a rejection with its SQLSTATE), and finally ParameterStatus and BackendKeyData
/// until ReadyForQuery.
/// </summary>
public static class PostgreSqlStartup
{
    /// <summary>Runs the startup phase as a client.</summary>
    /// <param name="stream">A connected stream to the server (the caller keeps ownership).</param>
    /// <param name="options">Database, TLS mode and limits.</param>
    /// <param name="negotiatorFactory">Creates the negotiator (plugins registered with <c>AddHandshake</c>).</param>
    /// <param name="credentials">The user name (sent in the StartupMessage) and the secrets.</param>
    /// <param name="cancellationToken">Cancels the startup phase.</param>
    /// <returns>The result, with the stream to continue on.</returns>
    /// <exception cref="HandshakeException">
    /// The server refused (<see cref="AuthErrorCode.ServerRejected"/> with <see cref="HandshakeException.ServerErrorCode"/> = SQLSTATE),
    /// TLS was required but refused or failed, a message broke the protocol, the connection failed, or a plugin failed.
    /// </exception>
    /// <exception cref="ArgumentException">The user name, database or a startup parameter contains a NUL character (nothing is sent).</exception>
    public static async Task<PostgreSqlStartupResult> AuthenticateAsync(
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

        using var deadline = new CancellationTokenSource(options.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await RunAsync(stream, options, negotiatorFactory, credentials, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(AuthErrorCode.Timeout, $"The PostgreSQL startup phase did not complete within {options.Timeout.TotalSeconds:0.#} s (PostgreSqlClientOptions.Timeout).", innerException: ex);
        }
    }

    private static void RequireNoNul(string? value, string parameterName)
    {
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A user name, database name or startup parameter contains a NUL character, which the PostgreSQL startup message cannot carry.", parameterName);
        }
    }

    private static async Task<PostgreSqlStartupResult> RunAsync(Stream stream, PostgreSqlClientOptions options, IAuthNegotiatorFactory factory, AuthCredentials credentials, CancellationToken cancellationToken)
    {
        var (connection, transport) = await NegotiateTlsAsync(stream, options, cancellationToken).ConfigureAwait(false);
        try
        {
            using (var writer = new PgWriter())
            {
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

                await writer.WriteByte(0).End().FlushAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            using var negotiator = factory.Create(credentials, transport);
            var result = await AuthenticateAsync(connection, negotiator, options, cancellationToken).ConfigureAwait(false);
            return await ReadUntilReadyAsync(connection, transport, result, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (!ReferenceEquals(connection, stream))
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    [SuppressMessage("Security", "CA5359:Do not disable certificate validation", Justification = "sslmode=prefer/require encrypt without checking the certificate, as libpq does; the transport then reports IsCertificateVerified = false so no cleartext secret is released over it.")]
    private static async Task<(Stream Stream, TransportSecurity Transport)> NegotiateTlsAsync(Stream stream, PostgreSqlClientOptions options, CancellationToken cancellationToken)
    {
        if (options.SslMode == PostgreSqlSslMode.Disable)
        {
            return (stream, TransportSecurity.None);
        }

        using (var writer = new PgWriter())
        {
            await writer.Begin(0).WriteInt32(PgProtocol.SslRequestCode).End().FlushAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        // Exactly one byte is read: nothing the server sends after 'S' may be taken as plaintext (CVE-2021-23222).
        var answer = await PgStream.ReadByteAsync(stream, cancellationToken).ConfigureAwait(false);
        switch (answer)
        {
            case (byte)'N' when options.SslMode == PostgreSqlSslMode.Prefer:
                return (stream, TransportSecurity.None);
            case (byte)'N':
                throw new HandshakeException(AuthErrorCode.PolicyViolation, $"The server does not support TLS, and SslMode is {options.SslMode}.");
            case (byte)'S':
                break;
            case (byte)'E':
                throw new HandshakeException(AuthErrorCode.ServerRejected, "The server answered the SSLRequest with an error (a server older than protocol 3.0?).");
            default:
                throw PgErrors.Violation($"The server answered the SSLRequest with '{PgStream.PrintableType(answer)}'; only 'S' or 'N' is allowed.");
        }

        var verify = options.SslMode == PostgreSqlSslMode.VerifyFull;
        var userCallback = options.RemoteCertificateValidationCallback;
        var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = options.TargetHost,
                    RemoteCertificateValidationCallback = verify
                        ? userCallback ?? ((_, _, _, errors) => errors == SslPolicyErrors.None)
                        : (_, _, _, _) => true,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HandshakeException(
                verify ? AuthErrorCode.PolicyViolation : AuthErrorCode.TransportFailure,
                verify ? $"The TLS handshake failed or the server's certificate was not trusted for '{options.TargetHost}' (SslMode VerifyFull)." : "The TLS handshake with the server failed.",
                innerException: ex);
        }
        catch (IOException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw PgErrors.Transport("The connection failed during the TLS handshake.", ex);
        }

        var certificate = ssl.RemoteCertificate is { } remote ? remote as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()) : null;
        return (ssl, new TransportSecurity { IsEncrypted = true, IsCertificateVerified = verify, ServerCertificate = certificate });
    }

    private static async Task<AuthResult> AuthenticateAsync(Stream stream, AuthNegotiator negotiator, PostgreSqlClientOptions options, CancellationToken cancellationToken)
    {
        using var writer = new PgWriter();
        var sasl = SaslState.None;
        byte[]? saslFinal = null;
        while (true)
        {
            var (type, body) = await PgStream.ReadMessageAsync(stream, options.MaxMessageLength, cancellationToken).ConfigureAwait(false);
            AuthEvent authEvent;
            switch (type)
            {
                case PgProtocol.Authentication:
                    authEvent = ReadAuthentication(body, ref sasl, ref saslFinal);
                    if (authEvent.Kind == AuthEventKind.None)
                    {
                        continue; // SASLFinal: held until AuthenticationOk.
                    }

                    break;
                case PgProtocol.ErrorResponse:
                    var error = PgErrorFields.Parse(body);
                    authEvent = AuthEvent.Failed(error.Code, error.Message);
                    break;
                case PgProtocol.NoticeResponse or PgProtocol.NegotiateProtocolVersion:
                    continue;
                default:
                    throw PgErrors.Violation($"The server sent message '{PgStream.PrintableType(type)}' during authentication.");
            }

            var action = await negotiator.HandleAsync(authEvent, cancellationToken).ConfigureAwait(false);
            switch (action.Kind)
            {
                case AuthActionKind.Completed:
                    return action.Result!;
                case AuthActionKind.Send:
                    writer.Begin(PgProtocol.PasswordMessage);
                    if (sasl == SaslState.Offered)
                    {
                        // SASLInitialResponse: mechanism, Int32 length of the client-first message, the message.
                        writer.WriteCString(action.PluginName!).WriteInt32(action.Data.Length).WriteBytes(action.Data.Span);
                        sasl = SaslState.InProgress;
                    }
                    else
                    {
                        // SASLResponse, or PasswordMessage for a plugin begun by AuthenticationCleartextPassword/MD5Password: the data verbatim.
                        writer.WriteBytes(action.Data.Span);
                    }

                    await writer.End().FlushAsync(stream, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    break;
            }
        }
    }

    private static AuthEvent ReadAuthentication(byte[] body, ref SaslState sasl, ref byte[]? saslFinal)
    {
        var reader = new PgReader(body);
        var code = reader.ReadInt32();
        if (saslFinal is not null && code != PgProtocol.AuthOk)
        {
            throw PgErrors.Violation($"The server sent authentication request {code} after SASLFinal; only AuthenticationOk may follow it.");
        }

        switch (code)
        {
            case PgProtocol.AuthOk:
                reader.ExpectEnd("AuthenticationOk");
                var final = saslFinal ?? [];
                saslFinal = null;
                return AuthEvent.Succeeded(final);
            case PgProtocol.AuthSasl:
                if (sasl != SaslState.None)
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
                sasl = SaslState.Offered;
                return AuthEvent.Offer(mechanisms);
            case PgProtocol.AuthSaslContinue:
                RequireSasl(sasl, "SASLContinue");
                return AuthEvent.Continue(reader.ReadRest().ToArray());
            case PgProtocol.AuthSaslFinal:
                RequireSasl(sasl, "SASLFinal");
                saslFinal = reader.ReadRest().ToArray();
                sasl = SaslState.Final;
                return default;
            case PgProtocol.AuthCleartextPassword:
                reader.ExpectEnd("AuthenticationCleartextPassword");
                return AuthEvent.Begin("password");
            case PgProtocol.AuthMd5Password:
                var salt = reader.ReadBytes(4).ToArray();
                reader.ExpectEnd("AuthenticationMD5Password");
                return AuthEvent.Begin("md5", salt);
            case PgProtocol.AuthKerberosV5:
                return AuthEvent.Begin("KerberosV5");
            case PgProtocol.AuthGss:
                return AuthEvent.Begin("GSSAPI");
            case PgProtocol.AuthSspi:
                return AuthEvent.Begin("SSPI");
            default:
                throw PgErrors.Violation($"The server sent authentication request code {code}, which this client does not know.");
        }
    }

    private static void RequireSasl(SaslState sasl, string what)
    {
        if (sasl != SaslState.InProgress)
        {
            throw PgErrors.Violation($"The server sent {what} {(sasl == SaslState.Final ? "after SASLFinal" : "without a SASL exchange in progress")}.");
        }
    }

    private static async Task<PostgreSqlStartupResult> ReadUntilReadyAsync(Stream stream, TransportSecurity transport, AuthResult result, PostgreSqlClientOptions options, CancellationToken cancellationToken)
    {
        const int MaxParameters = 256;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        int processId = 0, secretKey = 0;
        while (true)
        {
            var (type, body) = await PgStream.ReadMessageAsync(stream, options.MaxMessageLength, cancellationToken).ConfigureAwait(false);
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
                    return new PostgreSqlStartupResult(result, stream, transport, parameters, processId, secretKey, (char)status);
                case PgProtocol.NoticeResponse or PgProtocol.NegotiateProtocolVersion:
                    break;
                case PgProtocol.ErrorResponse:
                    // Authenticated, but the session could not start (no such database, too many connections).
                    var error = PgErrorFields.Parse(body);
                    throw new HandshakeException(AuthErrorCode.ServerRejected, $"The server accepted the credentials but refused the session ({PgText.Printable(error.Code, 8)}): {PgText.Printable(error.Message)}")
                    {
                        ServerErrorCode = error.Code is null ? null : PgText.Printable(error.Code, 8),
                    };
                default:
                    throw PgErrors.Violation($"The server sent message '{PgStream.PrintableType(type)}' before ReadyForQuery.");
            }
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
