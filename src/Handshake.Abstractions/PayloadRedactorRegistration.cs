namespace Handshake;

/// <summary>A plugin name and the <see cref="IPayloadRedactor"/> for its messages, as registered in the container.</summary>
public sealed class PayloadRedactorRegistration
{
    /// <summary>Creates a registration.</summary>
    /// <param name="pluginName">The plugin or mechanism name (ordinal), as registered.</param>
    /// <param name="redactor">The redactor.</param>
    public PayloadRedactorRegistration(string pluginName, IPayloadRedactor redactor)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginName);
        ArgumentNullException.ThrowIfNull(redactor);
        PluginName = pluginName;
        Redactor = redactor;
    }

    /// <summary>Gets the plugin name.</summary>
    public string PluginName { get; }

    /// <summary>Gets the redactor.</summary>
    public IPayloadRedactor Redactor { get; }
}
