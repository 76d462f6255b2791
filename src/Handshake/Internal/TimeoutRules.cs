namespace Handshake.Internal;

internal static class TimeoutRules
{
    public static void Check(List<string> failures, string owner, TimeSpan round, TimeSpan whole)
    {
        if (round <= TimeSpan.Zero)
        {
            failures.Add($"{owner}.RoundTimeout must be positive (was {round}).");
        }

        if (whole <= TimeSpan.Zero)
        {
            failures.Add($"{owner}.HandshakeTimeout must be positive (was {whole}).");
        }
    }
}
