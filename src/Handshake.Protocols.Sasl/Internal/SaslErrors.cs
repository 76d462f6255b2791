using System.Globalization;
using System.Text;

namespace Handshake.Protocols.Sasl.Internal;

/// <summary>The adapters' typed failures, and peer text made safe to show.</summary>
internal static class SaslErrors
{
    private const int MaxShown = 120;

    public static HandshakeException Violation(string message) => new(AuthErrorCode.ProtocolViolation, message);

    public static HandshakeException Timeout(string what, TimeSpan limit, string option) =>
        new(AuthErrorCode.Timeout, string.Create(CultureInfo.InvariantCulture, $"{what} did not arrive within {limit.TotalSeconds:0.###} s ({option})."));

    public static HandshakeException Transport(string message, Exception inner) => new(AuthErrorCode.TransportFailure, message, innerException: inner);

    /// <summary>Peer text, printable and bounded, for a message a person reads.</summary>
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxShown) + 1);
        foreach (var c in text)
        {
            if (builder.Length >= MaxShown)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }
}
