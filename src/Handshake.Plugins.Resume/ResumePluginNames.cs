namespace Handshake.Plugins.Resume;

/// <summary>
/// The names the session resumption plugin and verifier register under by default.
/// A registration's name is also the name of its options (<c>IOptionsMonitor&lt;T&gt;.Get(name)</c>); register under
/// another name to run a second, differently configured instance.
/// </summary>
public static class ResumePluginNames
{
    /// <summary>resume (a one-time token from an earlier login stands in for the first factor).</summary>
    public const string Resume = "resume";
}
