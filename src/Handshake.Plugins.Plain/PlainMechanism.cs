namespace Handshake.Plugins.Plain;

/// <summary>The names and limits of SASL PLAIN (RFC 4616).</summary>
public static class PlainMechanism
{
    /// <summary>The mechanism name, as servers offer it and user policies name it.</summary>
    public const string Name = "PLAIN";

    /// <summary>The longest authorization identity, authentication identity or password, in UTF-8 octets (RFC 4616 §2).</summary>
    public const int MaxFieldLength = 255;
}
