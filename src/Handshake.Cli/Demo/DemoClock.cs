namespace Handshake.Cli.Demo;

/// <summary>
/// A clock the demo moves by hand ("ten minutes later"), shared by client and server so that token
/// expiry and TOTP time steps follow the story rather than the seconds the demo takes to run.
/// </summary>
internal sealed class DemoClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
