using System.Globalization;
using System.Text;

namespace Handshake;

/// <summary>
/// The single exception root of Handshake. Carries a stable <see cref="AuthErrorCode"/>, whether the
/// connection must be abandoned, and which plugin and factor were active.
/// </summary>
/// <remarks>
/// Messages are written for a person and never contain a secret: no password, proof, signature,
/// derived key or one-time code appears in <see cref="Exception.Message"/>, <see cref="Exception.Data"/>
/// or <see cref="ToString"/>.
/// </remarks>
public class HandshakeException : Exception
{
    /// <summary>Creates an exception with an unspecified code.</summary>
    public HandshakeException()
        : this(AuthErrorCode.Unspecified, "Authentication failed.")
    {
    }

    /// <summary>Creates an exception with an unspecified code and the given message.</summary>
    /// <param name="message">A message a person can act on; never a secret.</param>
    public HandshakeException(string message)
        : this(AuthErrorCode.Unspecified, message)
    {
    }

    /// <summary>Creates an exception with an unspecified code, message and inner exception.</summary>
    /// <param name="message">A message a person can act on; never a secret.</param>
    /// <param name="innerException">The cause.</param>
    public HandshakeException(string message, Exception? innerException)
        : this(AuthErrorCode.Unspecified, message, innerException: innerException)
    {
    }

    /// <summary>Creates an exception with a code and a message.</summary>
    /// <param name="code">The stable reason.</param>
    /// <param name="message">A message a person can act on; never a secret.</param>
    /// <param name="pluginName">The plugin or mechanism that was active, if any.</param>
    /// <param name="factorIndex">The factor (1 to 3) that was active, or 0 when none was.</param>
    /// <param name="isFatal">Whether the connection must be abandoned (true for every error raised by Handshake itself).</param>
    /// <param name="innerException">The cause, if any.</param>
    public HandshakeException(
        AuthErrorCode code,
        string message,
        string? pluginName = null,
        int factorIndex = 0,
        bool isFatal = true,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        PluginName = pluginName;
        FactorIndex = factorIndex;
        IsFatal = isFatal;
    }

    /// <summary>Gets the stable reason.</summary>
    public AuthErrorCode Code { get; }

    /// <summary>Gets the plugin or mechanism that was active, if known.</summary>
    public string? PluginName { get; private set; }

    /// <summary>Gets the factor (1 to 3) that was active, or 0 when unknown.</summary>
    public int FactorIndex { get; private set; }

    /// <summary>Gets a value indicating whether the connection must be abandoned.</summary>
    public bool IsFatal { get; }

    /// <summary>Gets the error code the server sent (SQLSTATE, MySQL error number), when it sent one.</summary>
    public string? ServerErrorCode { get; init; }

    /// <summary>
    /// Fills in the plugin name and factor index when the code that raised this exception did not
    /// know them (an exchange deep inside a plugin rarely does). Values already set are kept.
    /// </summary>
    /// <param name="pluginName">The active plugin.</param>
    /// <param name="factorIndex">The active factor.</param>
    /// <returns>This instance, for a <c>throw</c> expression.</returns>
    public HandshakeException WithContext(string? pluginName, int factorIndex)
    {
        PluginName ??= pluginName;
        if (FactorIndex == 0)
        {
            FactorIndex = factorIndex;
        }

        return this;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(GetType().FullName).Append(" (").Append(Code.ToString());
        if (PluginName is not null)
        {
            builder.Append(", plugin ").Append(PluginName);
        }

        if (FactorIndex > 0)
        {
            builder.Append(", factor ").Append(FactorIndex.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append("): ").Append(Message);
        if (InnerException is not null)
        {
            // The inner exception's type only: a third-party message could echo a secret.
            builder.Append(" ---> ").Append(InnerException.GetType().FullName);
        }

        if (StackTrace is not null)
        {
            builder.AppendLine().Append(StackTrace);
        }

        return builder.ToString();
    }
}
