using System.Security.Cryptography;

namespace Handshake.Plugins.Resume.Internal;

/// <summary>
/// One resume attempt, server side. Client-first: the client's only message is the token; the
/// answer is Accept (final data = the successor token) or Decline (the acceptor then switches the
/// client to the user's full chain in the same connection).
/// </summary>
internal sealed class ResumeVerifierExchange(VerifierContext context, ResumeServerOptions options, IResumeTokenStore store) : IVerifierExchange
{
    private bool _done;

    public ValueTask<ReadOnlyMemory<byte>> BeginAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);

    public async ValueTask<VerifierStep> ProcessAsync(ReadOnlyMemory<byte> clientData, CancellationToken cancellationToken)
    {
        if (_done)
        {
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, "the client sent more than one resume message");
        }

        _done = true;
        if (clientData.Length != ResumeToken.Length)
        {
            // Lengths only: never the bytes.
            return VerifierStep.Reject(AuthErrorCode.ProtocolViolation, $"the resume message was {clientData.Length} bytes, not {ResumeToken.Length}");
        }

        var userName = context.UserName;
        if (string.IsNullOrEmpty(userName))
        {
            return VerifierStep.Decline(AuthErrorCode.InvalidCredential, "no user name for the resume token");
        }

        var successor = new byte[ResumeToken.Length];
        context.Random.Fill(successor);
        var request = new ResumeRedeemRequest(
            ResumeTokenHasher.Hash(clientData.Span, options.HashKey),
            userName,
            ResumeTokenHasher.Hash(successor, options.HashKey),
            context.Time.GetUtcNow(),
            options.InactivityTimeout,
            options.ReuseGrace);
        var result = await store.RedeemAsync(request, cancellationToken).ConfigureAwait(false);
        if (context.Properties.TryGetValue(ResumedSession.PropertyKey, out var value) && value is ResumedSession session)
        {
            session.Set(result);
        }

        if (result.Outcome == ResumeRedeemOutcome.Accepted)
        {
            // The successor travels in the final data; the acceptor disposes this exchange before it
            // sends that, so it is not wiped here.
            return VerifierStep.Accept(successor);
        }

        CryptographicOperations.ZeroMemory(successor);
        return VerifierStep.Decline(
            result.Outcome switch
            {
                ResumeRedeemOutcome.ReusedWithinGrace or ResumeRedeemOutcome.ReusedFamilyRevoked => AuthErrorCode.ReplayDetected,
                _ => AuthErrorCode.InvalidCredential,
            },
            $"resume token {result.Outcome}{(result.Record is { } r ? $" (family {r.FamilyId}, generation {r.Generation})" : string.Empty)}");
    }

    public void Dispose()
    {
    }
}
