namespace Handshake.Plugins.OAuthBearer;

/// <summary>
/// The names SASL OAUTHBEARER's plugin and verifier register under by default (RFC 7628 §3: the SASL mechanism name).
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class OAuthBearerPluginNames
{
    /// <summary>OAUTHBEARER (RFC 7628).</summary>
    public const string OAuthBearer = "OAUTHBEARER";
}
