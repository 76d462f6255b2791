using System.Globalization;

namespace Handshake.Cli.Serve;

/// <summary>How serve words a login's outcome in its log (user, mechanisms per factor, assurance; never a secret).</summary>
internal static class ServeLog
{
    public static string Login(string? user, bool encrypted, AuthResult? result, AuthErrorCode reason, string? detail, string? extra = null) =>
        $"user {user ?? "(none)"}{(encrypted ? " over TLS" : string.Empty)}{extra}: {Outcome(result, reason, detail)}";

    public static string Outcome(AuthResult? result, AuthErrorCode reason, string? detail) =>
        result is not null
            ? $"accepted, factors {string.Join(", ", result.Factors.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.FactorIndex}: {Ran(f)}")))} (assurance level {result.AssuranceLevel.ToString(CultureInfo.InvariantCulture)})"
            : $"rejected, {reason}{(string.IsNullOrEmpty(detail) ? string.Empty : $" ({detail})")}";

    /// <summary>
    /// The mechanism that ran for a factor (the last one tried: a verifier's name is its family, e.g.
    /// SCRAM-SHA-256, while the client may have run SCRAM-SHA-256-PLUS), and whether it bound the channel.
    /// </summary>
    private static string Ran(AuthFactorOutcome factor)
    {
        var mechanism = factor.PluginsTried.Count > 0 ? factor.PluginsTried[^1] : factor.PluginName;

        // RFC 5802 section 4 (after RFC 5056): a SASL mechanism whose name ends in -PLUS binds the channel.
        return mechanism.EndsWith("-PLUS", StringComparison.Ordinal) ? $"{mechanism} (channel-bound)" : mechanism;
    }
}
