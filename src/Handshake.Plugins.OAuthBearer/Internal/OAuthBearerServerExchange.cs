using System.Text;

namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>
/// The server side of OAUTHBEARER: parses the initial response (RFC 7628 §3.1), has the validator check
/// the token, names the user from it, and checks the authzid names the same user. Every failure after
/// the message parsed is answered with the error JSON (§3.2.2), the dummy 0x01 awaited (§3.2.3), and
/// only then rejected, so an unknown user, a bad token and a wrong authzid look alike on the wire.
/// </summary>
internal sealed class OAuthBearerServerExchange(VerifierContext context, OAuthBearerVerifierOptions options, IOAuthBearerTokenValidator validator, bool transportAllowed) : IVerifierExchange
{
    private State _state;
    private AuthErrorCode _pendingReason;
    private string? _pendingDetail;

    private enum State
    {
        AwaitingToken,
        AwaitingDummy,
        Done,
    }

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.AwaitingToken:
                _state = State.Done;
                return await ProcessTokenAsync(clientData, cancellationToken).ConfigureAwait(false);
            case State.AwaitingDummy:
                _state = State.Done;
                return clientData.Span.SequenceEqual([OAuthBearerMessage.Separator])
                    ? VerifierStep.Reject(_pendingReason, _pendingDetail)
                    : VerifierStep.Reject(AuthErrorCode.ProtocolViolation, $"the client answered the OAUTHBEARER error response with something other than 0x01 (RFC 7628 §3.2.3); the token had failed: {_pendingDetail}");
            default:
                return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "the client sent data after the OAUTHBEARER exchange ended");
        }
    }

    public void Dispose()
    {
        // The exchange keeps no copy of the token beyond the validator's string (RFC 7628 tokens are not derived from).
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A validator's failure of any kind refuses the token; the client learns only invalid_token.")]
    private async ValueTask<VerifierStep> ProcessTokenAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        if (!transportAllowed)
        {
            return VerifierStep.Reject(AuthErrorCode.PolicyViolation, "OAUTHBEARER over a transport without TLS is not allowed (OAuthBearerVerifierOptions.AllowInsecureTransport)");
        }

        if (!OAuthBearerMessage.TryParse(clientData.Span, out var parsed, out var problem))
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, problem);
        }

        var token = Encoding.ASCII.GetString(clientData.Span[parsed.Token]);
        OAuthBearerValidationResult result;
        try
        {
            result = await validator.ValidateAsync(new OAuthBearerValidationRequest(token, parsed.AuthorizationIdentity, parsed.Host, parsed.Port, context), cancellationToken).ConfigureAwait(false)
                ?? OAuthBearerValidationResult.Invalid("the token validator returned no result");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The type only: a validator's message may quote the token.
            result = OAuthBearerValidationResult.Invalid($"the token validator failed with {ex.GetType().Name}");
        }

        if (!result.IsValid)
        {
            return SendError(AuthErrorCode.InvalidCredential, $"the bearer token was refused: {result.Detail}", result.Status!, result.Scope);
        }

        var userName = result.UserName!;
        try
        {
            // The server offered OAUTHBEARER before anyone was named (IMAP, SMTP): the token names the user.
            await context.IdentifyUserAsync(userName, cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException ex)
        {
            return SendError(ex.Code, ex.Message, OAuthBearerMechanism.InvalidTokenStatus, scope: null);
        }

        // Proxy authorization is not supported: an authzid, when sent, must be the token's user (RFC 7628 §3.1, RFC 5801 §4).
        if (parsed.AuthorizationIdentity.Length > 0 && !string.Equals(parsed.AuthorizationIdentity, userName, StringComparison.Ordinal))
        {
            return SendError(AuthErrorCode.PolicyViolation, "the OAUTHBEARER authorization identity differs from the token's user", OAuthBearerMechanism.InvalidTokenStatus, scope: null);
        }

        // The user's policy must name OAUTHBEARER for this factor: a valid token for a user enrolled for
        // something else does not stand in for that method. An unknown user ends here too, as a bad token does.
        var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return SendError(AuthErrorCode.InvalidCredential, $"the user is unknown or not enrolled for {OAuthBearerPluginNames.OAuthBearer} at factor {context.FactorIndex}", OAuthBearerMechanism.InvalidTokenStatus, scope: null);
        }

        return VerifierStep.Accept();
    }

    private VerifierStep SendError(AuthErrorCode reason, string detail, string status, string? scope)
    {
        _pendingReason = reason;
        _pendingDetail = detail;
        _state = State.AwaitingDummy;
        var error = new OAuthBearerError(status, scope ?? options.Scope, options.OpenIdConfiguration);
        return VerifierStep.Continue(error.ToJson());
    }
}
