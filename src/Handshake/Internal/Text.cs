using System.Text;

namespace Handshake.Internal;

/// <summary>Makes peer-supplied text safe to put in a message: printable, bounded.</summary>
internal static class Text
{
    public const int MaxNameLength = 128;

    public static string Printable(string? value, int max = 256)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(value.Length, max) + 1);
        foreach (var c in value)
        {
            if (builder.Length >= max)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

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
