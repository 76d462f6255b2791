namespace Handshake.Mfa;

/// <summary>
/// The names the TOTP factor's plugin and verifier register under by default.
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class TotpPluginNames
{
    /// <summary>totp (RFC 6238 one-time codes).</summary>
    public const string Totp = "totp";
}
