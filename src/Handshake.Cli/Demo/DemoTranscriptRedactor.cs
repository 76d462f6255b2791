using Handshake.Plugins.CachingSha2;
using Handshake.Plugins.MariaDbPam;
using Handshake.Testing;

namespace Handshake.Cli.Demo;

/// <summary>
/// The demo's redactor: SCRAM payloads through <see cref="ScramTranscriptRedactor"/>, caching_sha2's
/// one-byte server markers named, everything else through the cautious <see cref="DefaultTranscriptRedactor"/>
/// (every other client payload is shown only by its length).
/// </summary>
internal sealed class DemoTranscriptRedactor : ITranscriptRedactor
{
    private readonly ScramTranscriptRedactor _scram = new();
    private readonly DefaultTranscriptRedactor _default = new();

    public string Render(TranscriptDirection direction, string? pluginName, ReadOnlySpan<byte> data)
    {
        if (pluginName is not null && pluginName.StartsWith("SCRAM-", StringComparison.Ordinal))
        {
            return _scram.Render(direction, pluginName, data);
        }

        // A previous factor's final data arrives with no plugin name (NextFactor): a SCRAM server-final
        // there must be redacted too.
        if (pluginName is null && data.Length >= 2 && data[0] == (byte)'v' && data[1] == (byte)'=')
        {
            return _scram.Render(direction, pluginName, data);
        }

        if (direction == TranscriptDirection.ServerToClient && data.Length == 1 && (pluginName is null || pluginName == CachingSha2PluginNames.CachingSha2Password))
        {
            // caching_sha2_password's AuthMoreData markers.
            switch (data[0])
            {
                case 0x03:
                    return "0x03 (fast auth success)";
                case 0x04:
                    return "0x04 (perform full authentication)";
            }
        }

        if (direction == TranscriptDirection.ServerToClient && TryRenderDialogQuestion(pluginName, data) is { } question)
        {
            return question;
        }

        // A scramble is a public nonce: shown, so the reader sees what the response answers.
        if (direction == TranscriptDirection.ServerToClient && pluginName is not null && IsScrambleMethod(pluginName))
        {
            return data.IsEmpty ? "(empty)" : DefaultTranscriptRedactor.Show(data);
        }

        // Everything else, the resume plugin's rotated token in its final data included, goes through
        // the cautious default (binary server data by length only).
        return _default.Render(direction, pluginName, data);
    }

    /// <summary>
    /// A dialog question is the server's text, not a secret: its type byte named, its text shown. Later
    /// questions arrive as Continue without a plugin name, so those must also end like a question (": ").
    /// </summary>
    private static string? TryRenderDialogQuestion(string? pluginName, ReadOnlySpan<byte> data)
    {
        if (data.Length < 3 || (data[0] & ~1) is not (2 or 4) || (pluginName is not null && pluginName != MariaDbPamPluginNames.Dialog))
        {
            return null;
        }

        var text = data[1..];
        foreach (var b in text)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return null;
            }
        }

        if (pluginName is null && !text.EndsWith(": "u8))
        {
            return null;
        }

        var kind = (data[0] & ~1) == 2 ? "echo" : "no echo";
        var last = (data[0] & 1) != 0 ? ", last" : string.Empty;
        return $"0x{data[0]:x2} (question, {kind}{last}) \"{System.Text.Encoding.ASCII.GetString(text)}\"";
    }

    private static bool IsScrambleMethod(string pluginName) =>
        pluginName is "mysql_native_password" || pluginName == CachingSha2PluginNames.CachingSha2Password;
}
