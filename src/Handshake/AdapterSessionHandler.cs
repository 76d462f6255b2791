namespace Handshake;

/// <summary>Serves an authenticated session after an adapter's login (<see cref="AdapterAcceptorOptions.SessionHandler"/>).</summary>
/// <param name="session">The session: its stream positioned after the adapter's "login done" message.</param>
/// <param name="cancellationToken">The caller's cancellation of the whole connection.</param>
/// <returns>A task that completes when the session is over; the adapter's <c>AcceptAsync</c> then returns the login's result.</returns>
public delegate Task AdapterSessionHandler(AdapterSession session, CancellationToken cancellationToken);
