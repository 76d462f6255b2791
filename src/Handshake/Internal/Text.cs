namespace Handshake.Internal;

/// <summary>Rules for names a peer sends (PeerText makes any peer text printable and bounded).</summary>
internal static class Text
{
    public const int MaxNameLength = 128;

    /// <summary>Whether a plugin name the peer sent is plausible: non-empty, bounded, printable ASCII.</summary>
    public static bool IsValidPluginName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
