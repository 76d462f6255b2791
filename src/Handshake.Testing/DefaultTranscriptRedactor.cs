namespace Handshake.Testing;

/// <summary>
/// Renders each payload through the <see cref="IPayloadRedactor"/> its plugin registered (found in the
/// container's <see cref="IHandshakeCatalog"/>): the plugin knows its format, so it shows what is public
/// (a nonce, a prompt, SCRAM's salt) and hides its secrets. A payload of a plugin with no redactor, or
/// with no catalogue given, is shown by its length only: nothing here knows any plugin's format.
/// </summary>
public sealed class DefaultTranscriptRedactor : ITranscriptRedactor
{
    private readonly Dictionary<string, ITranscriptRedactor> _perPlugin = new(StringComparer.Ordinal);
    private readonly IHandshakeCatalog? _catalog;

    /// <summary>Creates the cautious redactor: every payload by its length only, unless <see cref="For"/> names a redactor.</summary>
    public DefaultTranscriptRedactor()
    {
    }

    /// <summary>Creates a redactor that asks <paramref name="catalog"/> for each plugin's own redactor.</summary>
    /// <param name="catalog">The container's catalogue (the one the plugins in play were registered in).</param>
    public DefaultTranscriptRedactor(IHandshakeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    /// <summary>Uses <paramref name="redactor"/> for one plugin's payloads, ahead of the catalogue.</summary>
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
        if (pluginName is null)
        {
            return PayloadRedaction.Hidden(data);
        }

        if (_perPlugin.TryGetValue(pluginName, out var specific))
        {
            return specific.Render(direction, pluginName, data);
        }

        return _catalog?.FindPayloadRedactor(pluginName) is { } redactor
            ? redactor.Redact(direction == TranscriptDirection.ClientToServer ? PayloadDirection.ClientToServer : PayloadDirection.ServerToClient, data)
            : PayloadRedaction.Hidden(data);
    }

    /// <summary>Shows bytes as quoted text when all printable ASCII, else as hex; cut to 96 characters (<see cref="PayloadRedaction.Show"/>).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The rendering.</returns>
    public static string Show(ReadOnlySpan<byte> data) => PayloadRedaction.Show(data);
}
