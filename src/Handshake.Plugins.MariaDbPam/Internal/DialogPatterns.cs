using System.Text.RegularExpressions;

namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>The default pattern of a question that asks for a one-time code.</summary>
internal static partial class DialogPatterns
{
    [GeneratedRegex(@"\b(code|token|otp|one-time|passcode)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    public static partial Regex CodeQuestion();
}
