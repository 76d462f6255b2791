using Handshake.Plugins.CachingSha2;
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

        if (direction == TranscriptDirection.ServerToClient && data.Length == 1 && (pluginName is null || pluginName == CachingSha2Plugin.PluginName))
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

        // A scramble is a public nonce: shown, so the reader sees what the response answers.
        if (direction == TranscriptDirection.ServerToClient && pluginName is not null && IsScrambleMethod(pluginName))
        {
            return data.IsEmpty ? "(empty)" : DefaultTranscriptRedactor.Show(data);
        }

        // Everything else, the resume plugin's rotated token in its final data included, goes through
        // the cautious default (binary server data by length only).
        return _default.Render(direction, pluginName, data);
    }

    private static bool IsScrambleMethod(string pluginName) =>
        pluginName is "mysql_native_password" || pluginName == CachingSha2Plugin.PluginName;
}
