using System.Text;

namespace Handshake.Plugins.MariaDbPam.Internal;

/// <summary>
/// The dialog plugin's packets, as MariaDB's auth_pam server plugin and libmariadb's dialog client
/// speak them: the server sends one question per packet, a type byte then the text (no terminator);
/// the client answers with one line and a NUL. Type 2 is a question whose answer may be echoed
/// (PAM_PROMPT_ECHO_ON), 4 a password-like one (PAM_PROMPT_ECHO_OFF); bit 0 set marks the last
/// question. Types 0 and 254 would be an OK or an AuthSwitchRequest, never a question.
/// </summary>
internal static class DialogWire
{
    public const byte EchoQuestion = 2;
    public const byte PasswordQuestion = 4;
    public const byte LastQuestionBit = 1;

    /// <summary>libmariadb answers into a 1024-byte buffer; the longest answer it can send, without the NUL.</summary>
    public const int MaxAnswerBytes = 1023;

    /// <summary>The most prompt text shown to a callback; a longer prompt from a peer is cut, never shown whole.</summary>
    public const int MaxPromptChars = 1024;

    public static bool TryParseQuestion(ReadOnlySpan<byte> packet, out bool echo, out bool last, out string text)
    {
        echo = last = false;
        text = string.Empty;
        if (packet.IsEmpty)
        {
            return false;
        }

        var type = packet[0];
        var kind = type & ~LastQuestionBit;
        if (kind is not (EchoQuestion or PasswordQuestion))
        {
            return false;
        }

        echo = kind == EchoQuestion;
        last = (type & LastQuestionBit) != 0;
        text = ToPrintable(packet[1..]);
        return true;
    }

    public static byte[] Question(string text, bool echo, bool last)
    {
        var bytes = new byte[1 + Encoding.UTF8.GetByteCount(text)];
        bytes[0] = (byte)((echo ? EchoQuestion : PasswordQuestion) | (last ? LastQuestionBit : 0));
        _ = Encoding.UTF8.GetBytes(text, bytes.AsSpan(1));
        return bytes;
    }

    /// <summary>The answer as the server reads it: up to the first NUL (auth_pam copies it with strndup), or the whole packet without one.</summary>
    public static ReadOnlySpan<byte> Answer(ReadOnlySpan<byte> packet)
    {
        var nul = packet.IndexOf((byte)0);
        return nul < 0 ? packet : packet[..nul];
    }

    private static string ToPrintable(ReadOnlySpan<byte> data)
    {
        // The text ends at a NUL if the server sent one (C strings); bytes that are not UTF-8 become U+FFFD.
        var nul = data.IndexOf((byte)0);
        if (nul >= 0)
        {
            data = data[..nul];
        }

        var decoded = Encoding.UTF8.GetString(data.Length > MaxPromptChars * 4 ? data[..(MaxPromptChars * 4)] : data);
        var builder = new StringBuilder(Math.Min(decoded.Length, MaxPromptChars));
        foreach (var c in decoded)
        {
            if (builder.Length == MaxPromptChars)
            {
                break;
            }

            // PAM joins informational messages to the question with line breaks; keep those, drop other controls.
            if (c == '\n' || !char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
