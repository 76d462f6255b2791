namespace Handshake.Protocols.Sasl.Internal;

/// <summary>One wait with a deadline: a timeout becomes a typed <see cref="AuthErrorCode.Timeout"/>, never a hang.</summary>
internal static class Deadline
{
    public static async ValueTask<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> wait, TimeSpan limit, TimeProvider time, string what, string option, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await wait(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(AuthErrorCode.Timeout, SaslErrors.Timeout(what, limit, option).Message, innerException: ex);
        }
    }

    public static async ValueTask RunAsync(Func<CancellationToken, ValueTask> wait, TimeSpan limit, TimeProvider time, string what, string option, CancellationToken cancellationToken) =>
        _ = await RunAsync(
            async ct =>
            {
                await wait(ct).ConfigureAwait(false);
                return true;
            },
            limit,
            time,
            what,
            option,
            cancellationToken).ConfigureAwait(false);
}
