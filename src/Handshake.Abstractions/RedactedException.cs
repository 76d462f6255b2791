using System.Text;

namespace Handshake;

/// <summary>
/// Stands in for an exception that code outside Handshake threw (a plugin, a verifier), keeping its
/// type name and stack trace but not its message: a careless plugin that put a password in its
/// message would otherwise leak it through every logger that prints inner exceptions. The engine
/// puts one of these, never the original, in <see cref="Exception.InnerException"/> of the
/// <see cref="HandshakeException"/> it raises (<see cref="AuthErrorCode.PluginFailure"/>, <see cref="AuthErrorCode.Timeout"/>).
/// </summary>
/// <remarks>
/// The original exception is not kept, on purpose: no API, property or field reaches its message.
/// To see a plugin's own message while writing the plugin, catch it inside the plugin or break on
/// first-chance exceptions in a debugger.
/// </remarks>
public sealed class RedactedException : Exception
{
    // Deep chains are cut: the type names of a few causes say enough, and a peer never chooses the depth.
    private const int MaxDepth = 8;

    private readonly string? _stackTrace;

    /// <summary>Creates an exception with a generic message.</summary>
    public RedactedException()
        : this("An exception was thrown; its message was withheld because it might contain a secret.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">A message that contains no secret.</param>
    public RedactedException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">A message that contains no secret.</param>
    /// <param name="innerException">The cause, already redacted by the caller.</param>
    public RedactedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        OriginalTypeName = GetType().FullName!;
    }

    private RedactedException(Exception original, Exception? innerException)
        : base($"{original.GetType().FullName} was thrown; its message was withheld because it might contain a secret.", innerException)
    {
        OriginalTypeName = original.GetType().FullName!;
        _stackTrace = original.StackTrace;
        HResult = original.HResult;
    }

    /// <summary>Gets the full type name of the exception this one stands in for.</summary>
    public string OriginalTypeName { get; }

    /// <summary>Gets the stack trace of the exception this one stands in for (where it was thrown).</summary>
    public override string? StackTrace => _stackTrace ?? base.StackTrace;

    /// <summary>
    /// Returns a stand-in for <paramref name="exception"/> and each of its inner exceptions: type
    /// names and stack traces, no messages and no <see cref="Exception.Data"/>. An exception that is
    /// already a <see cref="RedactedException"/> is returned as it is.
    /// </summary>
    /// <param name="exception">The exception to redact.</param>
    /// <returns>The stand-in.</returns>
    public static RedactedException From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return From(exception, 0);
    }

    /// <summary>Describes the exception by type names and stack traces; no message of the original appears.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(GetType().FullName).Append(": ").Append(Message);
        if (InnerException is not null)
        {
            builder.Append(" ---> ").Append(InnerException.ToString()).AppendLine().Append("   --- End of inner exception stack trace ---");
        }

        if (StackTrace is { } stack)
        {
            builder.AppendLine().Append(stack);
        }

        return builder.ToString();
    }

    private static RedactedException From(Exception exception, int depth)
    {
        if (exception is RedactedException redacted)
        {
            return redacted;
        }

        var inner = exception.InnerException is { } cause && depth < MaxDepth ? From(cause, depth + 1) : null;
        return new RedactedException(exception, inner);
    }
}
