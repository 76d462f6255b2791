using System.Globalization;

namespace Handshake;

/// <summary>
/// One wait with a deadline, for an adapter's own reads (a greeting, a startup packet, a TLS handshake):
/// a wait that outlives its limit becomes a typed <see cref="AuthErrorCode.Timeout"/> naming the option
/// that set it, never a hang. The caller's own cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
public static class AdapterDeadline
{
    /// <summary>Runs <paramref name="wait"/> under a deadline of <paramref name="limit"/>.</summary>
    /// <typeparam name="T">What the wait returns.</typeparam>
    /// <param name="wait">The wait; it must honour the token it is given.</param>
    /// <param name="limit">How long it may take.</param>
    /// <param name="time">The clock.</param>
    /// <param name="what">What was awaited, for the message ("The client's startup packet").</param>
    /// <param name="option">The option that sets the limit, for the message ("MySqlServerOptions.FirstMessageTimeout").</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <returns>What the wait returned.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.Timeout"/> when the limit passes first.</exception>
    public static async ValueTask<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> wait, TimeSpan limit, TimeProvider time, string what, string option, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wait);
        ArgumentNullException.ThrowIfNull(time);
        using var timer = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await wait(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(AuthErrorCode.Timeout, string.Create(CultureInfo.InvariantCulture, $"{what} did not arrive within {limit.TotalSeconds:0.###} s ({option})."), innerException: ex);
        }
    }

    /// <summary>Runs <paramref name="wait"/> under a deadline of <paramref name="limit"/>.</summary>
    /// <param name="wait">The wait; it must honour the token it is given.</param>
    /// <param name="limit">How long it may take.</param>
    /// <param name="time">The clock.</param>
    /// <param name="what">What was awaited, for the message.</param>
    /// <param name="option">The option that sets the limit, for the message.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <returns>A task that completes when the wait does.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.Timeout"/> when the limit passes first.</exception>
    public static async ValueTask RunAsync(Func<CancellationToken, ValueTask> wait, TimeSpan limit, TimeProvider time, string what, string option, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wait);
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
}
