namespace Handshake.Mfa;

/// <summary>What a TOTP prompt callback is told when it must ask a person for a code.</summary>
public sealed class TotpPromptContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="pluginName">The plugin asking.</param>
    /// <param name="factorIndex">The factor, 1 to 3.</param>
    /// <param name="userName">The user.</param>
    /// <param name="serverMessage">The server's prompt text (printable characters only), or empty.</param>
    /// <param name="digits">How many digits the answer must have.</param>
    public TotpPromptContext(string pluginName, int factorIndex, string userName, string serverMessage, int digits)
    {
        ArgumentNullException.ThrowIfNull(pluginName);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(serverMessage);
        PluginName = pluginName;
        FactorIndex = factorIndex;
        UserName = userName;
        ServerMessage = serverMessage;
        Digits = digits;
    }

    /// <summary>Gets the plugin asking.</summary>
    public string PluginName { get; }

    /// <summary>Gets the factor, 1 to 3.</summary>
    public int FactorIndex { get; }

    /// <summary>Gets the user.</summary>
    public string UserName { get; }

    /// <summary>Gets the server's prompt text (e.g. "Enter the 6-digit code for alice"), control characters removed; empty when it sent none.</summary>
    public string ServerMessage { get; }

    /// <summary>Gets how many digits the answer must have.</summary>
    public int Digits { get; }
}
