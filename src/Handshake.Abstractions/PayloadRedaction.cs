namespace Handshake;

/// <summary>
/// The renderings every <see cref="IPayloadRedactor"/> shares, so transcripts read alike whichever plugin
/// wrote them: a hidden payload is its length, a public one is quoted text or hex, cut to
/// <see cref="MaxShownLength"/> characters.
/// </summary>
public static class PayloadRedaction
{
    /// <summary>The most characters a shown payload takes before it is cut.</summary>
    public const int MaxShownLength = 96;

    /// <summary>What a hidden part reads as.</summary>
    public const string Redacted = "<redacted>";

    /// <summary>Renders a payload hidden entirely: its length only (<c>(empty)</c> for none).</summary>
    /// <param name="data">The payload.</param>
    /// <returns>The rendering.</returns>
    public static string Hidden(ReadOnlySpan<byte> data) => data.IsEmpty ? "(empty)" : $"<{data.Length} bytes redacted>";

    /// <summary>Renders a public payload: quoted text when all printable ASCII, else hex; cut to <see cref="MaxShownLength"/> characters.</summary>
    /// <param name="data">The payload.</param>
    /// <returns>The rendering.</returns>
    public static string Show(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return "(empty)";
        }

        if (IsPrintable(data))
        {
            var text = PeerText.Printable(data, MaxShownLength);
            return data.Length > MaxShownLength ? $"\"{text}\" ({data.Length} bytes)" : $"\"{text}\"";
        }

        const int MaxBytes = MaxShownLength / 2;
        var hex = Convert.ToHexStringLower(data.Length > MaxBytes ? data[..MaxBytes] : data);
        return data.Length > MaxBytes ? $"0x{hex}… ({data.Length} bytes)" : $"0x{hex}";
    }

    /// <summary>Tells whether every byte is printable ASCII (0x20 to 0x7E).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>Whether they are all printable.</returns>
    public static bool IsPrintable(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }
}
