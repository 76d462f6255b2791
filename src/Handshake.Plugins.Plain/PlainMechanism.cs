namespace Handshake.Plugins.Plain;

/// <summary>The limits of SASL PLAIN (RFC 4616); its name is <see cref="PlainPluginNames.Plain"/>.</summary>
public static class PlainMechanism
{
    /// <summary>The longest authorization identity, authentication identity or password, in UTF-8 octets (RFC 4616 §2).</summary>
    public const int MaxFieldLength = 255;
}
