namespace Handshake.Testing;

/// <summary>
/// The cautious default: every client payload is replaced by its length (it may be a password or a
/// proof). Server payloads are shown as text when printable ASCII (challenges, prompts, SCRAM's
/// server-first), cut to 96 characters, except a SCRAM server signature (<c>v=</c>, a proof);
/// binary server payloads are replaced by their length, because a server may hand the client a
/// bearer secret (a resume token in the final data). Per-plugin redactors can show more of what a
/// mechanism makes public (e.g. a scramble).
/// </summary>
public sealed class DefaultTranscriptRedactor : ITranscriptRedactor
{
    private readonly Dictionary<string, ITranscriptRedactor> _perPlugin = new(StringComparer.Ordinal);

    /// <summary>Uses <paramref name="redactor"/> for one plugin's payloads.</summary>
    /// <param name="pluginName">The plugin.</param>
    /// <param name="redactor">Its redactor.</param>
    /// <returns>This redactor.</returns>
    public DefaultTranscriptRedactor For(string pluginName, ITranscriptRedactor redactor)
    {
        ArgumentNullException.ThrowIfNull(pluginName);
        ArgumentNullException.ThrowIfNull(redactor);
        _perPlugin[pluginName] = redactor;
        return this;
    }

    /// <inheritdoc />
    public string Render(TranscriptDirection direction, string? pluginName, ReadOnlySpan<byte> data)
    {
        if (pluginName is not null && _perPlugin.TryGetValue(pluginName, out var specific))
        {
            return specific.Render(direction, pluginName, data);
        }

        if (data.IsEmpty)
        {
            return "(empty)";
        }

        if (direction == TranscriptDirection.ClientToServer || !IsPrintable(data))
        {
            return $"<{data.Length} bytes redacted>";
        }

        // RFC 5802 §7: server-final-message = (server-error / verifier); the verifier is ServerSignature.
        return data.Length >= 2 && data[0] == (byte)'v' && data[1] == (byte)'=' ? "\"v=<redacted>\"" : Show(data);
    }

    /// <summary>Shows bytes as quoted text when all printable ASCII, else as hex; cut to 96 characters.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The rendering.</returns>
    public static string Show(ReadOnlySpan<byte> data)
    {
        const int Max = 96;
        if (IsPrintable(data))
        {
            var text = PeerText.Printable(data, Max);
            return data.Length > Max ? $"\"{text}\" ({data.Length} bytes)" : $"\"{text}\"";
        }

        var hex = Convert.ToHexStringLower(data.Length > Max / 2 ? data[..(Max / 2)] : data);
        return data.Length > Max / 2 ? $"0x{hex}… ({data.Length} bytes)" : $"0x{hex}";
    }

    private static bool IsPrintable(ReadOnlySpan<byte> data)
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
