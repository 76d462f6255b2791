using System.Text;

namespace Handshake.Plugins.Plain.Internal;

/// <summary>
/// The server side of PLAIN: parses <c>[authzid] NUL authcid NUL passwd</c> (RFC 4616 §2), names the
/// user from the authcid, and checks the password through the credential family's checker. An unknown
/// user is checked against nothing with the same work, and fails as a wrong password does.
/// </summary>
internal sealed class PlainServerExchange(VerifierContext context, IStoredPasswordChecker checker, string credentialFamily, bool transportAllowed) : IVerifierExchange
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private bool _done;

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "the client sent data after the PLAIN message");
        }

        _done = true;
        if (!transportAllowed)
        {
            return VerifierStep.Reject(AuthErrorCode.PolicyViolation, "PLAIN over a transport without TLS is not allowed (PlainVerifierOptions.AllowInsecureTransport)");
        }

        if (!TryParse(clientData.Span, out var authzid, out var authcid, out var passwordStart, out var problem))
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, problem);
        }

        try
        {
            await context.IdentifyUserAsync(authcid, cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException ex)
        {
            return VerifierStep.Reject(ex.Code, ex.Message);
        }

        // Proxy authorization is not supported: an authzid, when sent, must be the user itself (RFC 4616 §2).
        if (authzid.Length > 0 && !string.Equals(authzid, context.UserName, StringComparison.Ordinal))
        {
            return VerifierStep.Reject(AuthErrorCode.PolicyViolation, "the PLAIN authorization identity differs from the authenticating user");
        }

        var stored = await context.GetStoredCredentialAsync(cancellationToken).ConfigureAwait(false)
            ?? await context.GetStoredCredentialAsync(credentialFamily, cancellationToken).ConfigureAwait(false);
        bool valid;
        try
        {
            // A stored password is checked with a deliberately slow function (one PBKDF2 for SCRAM's
            // credential): under a slot of the process's limiter, so a storm of PLAIN logins queues.
            using (await context.KeyDerivation.AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                valid = checker.Verify(stored, clientData.Span[passwordStart..]);
            }
        }
        catch (HandshakeException ex)
        {
            return VerifierStep.Reject(ex.Code, ex.Message);
        }

        return valid && stored is not null ? VerifierStep.Accept() : VerifierStep.Reject(AuthErrorCode.InvalidCredential, "the PLAIN password did not verify");
    }

    public void Dispose()
    {
        // The exchange keeps no copy of the password: it is read in place from the client's message.
    }

    private static bool TryParse(ReadOnlySpan<byte> message, out string authzid, out string authcid, out int passwordStart, out string problem)
    {
        authzid = authcid = string.Empty;
        passwordStart = 0;
        var first = message.IndexOf((byte)0);
        var second = first < 0 ? -1 : message[(first + 1)..].IndexOf((byte)0);
        if (first < 0 || second < 0 || message[(first + 1 + second + 1)..].Contains((byte)0))
        {
            problem = "the PLAIN message is not [authzid] NUL authcid NUL passwd";
            return false;
        }

        var authcidBytes = message.Slice(first + 1, second);
        passwordStart = first + 1 + second + 1;
        var password = message[passwordStart..];
        if (first > PlainMechanism.MaxFieldLength || authcidBytes.Length is 0 or > PlainMechanism.MaxFieldLength || password.Length is 0 or > PlainMechanism.MaxFieldLength)
        {
            problem = $"a PLAIN field is empty or longer than {PlainMechanism.MaxFieldLength} octets (RFC 4616 §2)";
            return false;
        }

        try
        {
            authzid = StrictUtf8.GetString(message[..first]);
            authcid = StrictUtf8.GetString(authcidBytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "a PLAIN identity is not UTF-8 (RFC 4616 §2)";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
