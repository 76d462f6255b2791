using System.Security.Cryptography;

namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>
/// The client side of OAUTHBEARER (RFC 7628 §3): one initial response carrying the token; on failure
/// the server sends its error JSON (§3.2.2), which this exchange answers with the dummy 0x01 (§3.2.3)
/// and keeps, so the engine raises <see cref="OAuthBearerRejectedException"/> when the server's failure follows.
/// </summary>
internal sealed class OAuthBearerClientExchange(AuthExchangeContext context, OAuthBearerClientOptions options, OAuthBearerTokenCache? cache) : IAuthExchange
{
    private static readonly byte[] Dummy = [OAuthBearerMessage.Separator];
    private byte[]? _message;
    private long _generation = -1;
    private State _state;
    private OAuthBearerError? _error;

    private enum State
    {
        Initial,
        Sent,
        ErrorAnswered,
    }

    public async ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (_state)
        {
            case State.Initial:
                if (!serverData.IsEmpty)
                {
                    throw Fail(AuthErrorCode.ProtocolViolation, "The server sent a non-empty challenge before the OAUTHBEARER initial response; the client speaks first (RFC 7628 §3.1).");
                }

                // A bearer token is replayable by whoever reads it (RFC 6750 §5.2): it leaves only where a
                // password in the clear may, and the provider is not even asked otherwise.
                context.EnsureCleartextAllowed("an OAuth bearer token");
                _message = await BuildMessageAsync(cancellationToken).ConfigureAwait(false);
                _state = State.Sent;
                return AuthReply.Send(_message);

            case State.Sent:
                // The only challenge after the initial response is the error response (RFC 7628 §3.2.2).
                Wipe();
                if (!OAuthBearerError.TryParse(serverData.Span, out var error))
                {
                    throw Fail(AuthErrorCode.ProtocolViolation, "The server's OAUTHBEARER challenge is not an error response (a JSON object with a printable 'status', RFC 7628 §3.2.2).");
                }

                _error = error;
                _state = State.ErrorAnswered;
                cache?.Invalidate(context.UserName, context.FactorIndex, _generation, error);

                // §3.2.3: the client must answer the error with a single 0x01; the server then fails.
                return AuthReply.Send(Dummy);

            default:
                throw Fail(AuthErrorCode.ProtocolViolation, "The server sent another challenge after the OAUTHBEARER error response; it must end the exchange with a failure (RFC 7628 §3.2.3).");
        }
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        Wipe();
        if (_state != State.Sent)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, _state == State.Initial
                ? "The server accepted OAUTHBEARER before the client sent its token."
                : "The server declared success after sending an OAUTHBEARER error response (RFC 7628 §3.2.3).");
        }

        if (!finalData.IsEmpty)
        {
            throw Fail(AuthErrorCode.ProtocolViolation, "The server sent additional data with OAUTHBEARER's success; RFC 7628 §3.2.1 has none.");
        }
    }

    public HandshakeException? OnServerRejected(HandshakeException rejection)
    {
        Wipe();
        if (_error is null)
        {
            // A failure without the error response: the token may still be the cause.
            if (_state == State.Sent)
            {
                cache?.Invalidate(context.UserName, context.FactorIndex, _generation, error: null);
            }

            return null;
        }

        return new OAuthBearerRejectedException(
            _error,
            $"The server rejected the OAuth bearer token ({_error}). Fetch a new token{(_error.Scope is null ? string.Empty : " with scope '" + _error.Scope + "'")} and reconnect.",
            context.FactorIndex,
            rejection);
    }

    public void Dispose() => Wipe();

    private async ValueTask<byte[]> BuildMessageAsync(CancellationToken cancellationToken)
    {
        byte[]? token = null;
        try
        {
            if (cache is not null)
            {
                (token, _generation) = await cache.GetAsync(new OAuthBearerTokenRequestSeed(context.UserName, context.FactorIndex, options.Host, options.Port), context.Time, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var secret = context.RequireSecret();
                if (secret.Kind != AuthSecretKind.Text)
                {
                    throw Fail(AuthErrorCode.MissingCredential, $"OAUTHBEARER sends a text bearer token (RFC 6750 §2.1); factor {context.FactorIndex} holds a binary secret.");
                }

                token = GC.AllocateArray<byte>(secret.Length, pinned: true);
                secret.Bytes.CopyTo(token);
            }

            if (!OAuthBearerMessage.IsB64Token(token))
            {
                throw Fail(AuthErrorCode.MissingCredential, $"The OAUTHBEARER token for factor {context.FactorIndex} is not a bearer token (RFC 6750 §2.1 b64token: letters, digits, -._~+/ and trailing '=').");
            }

            if (token.Length > OAuthBearerMechanism.MaxMessageLength - 512)
            {
                throw Fail(AuthErrorCode.MissingCredential, $"The OAUTHBEARER token for factor {context.FactorIndex} is longer than {OAuthBearerMechanism.MaxMessageLength - 512} octets.");
            }

            return OAuthBearerMessage.Build(options.SendAuthorizationIdentity ? context.UserName : null, options.Host, options.Port, token);
        }
        finally
        {
            OAuthBearerTokenCache.Wipe(token);
        }
    }

    private HandshakeException Fail(AuthErrorCode code, string message)
    {
        Wipe();
        return new HandshakeException(code, message, OAuthBearerPluginNames.OAuthBearer, context.FactorIndex);
    }

    private void Wipe()
    {
        if (_message is not null)
        {
            CryptographicOperations.ZeroMemory(_message);
            _message = null;
        }
    }
}
