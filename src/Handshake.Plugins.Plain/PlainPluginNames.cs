namespace Handshake.Plugins.Plain;

/// <summary>
/// The names SASL PLAIN's plugin and verifier register under by default (RFC 4616 §2: the SASL mechanism name).
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class PlainPluginNames
{
    /// <summary>PLAIN (RFC 4616).</summary>
    public const string Plain = "PLAIN";
}
