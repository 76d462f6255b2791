namespace Handshake.Audit;

/// <summary>
/// What the client under audit says happened: it logged in, or it failed with a message. The server alone
/// sees the bytes; the message (for example whether it names the server's <c>e=</c> error, or prints raw
/// control characters) only the client knows.
/// </summary>
public sealed class AuditClientReport
{
    private AuditClientReport(bool succeeded, string? message, bool timedOut)
    {
        Succeeded = succeeded;
        Message = message;
        TimedOut = timedOut;
    }

    /// <summary>Gets a report of a client that logged in.</summary>
    public static AuditClientReport Success { get; } = new(succeeded: true, message: null, timedOut: false);

    /// <summary>Gets a value indicating whether the client says it logged in.</summary>
    public bool Succeeded { get; }

    /// <summary>Gets the client's error message or output, when it failed; null when unknown.</summary>
    public string? Message { get; }

    /// <summary>Gets a value indicating whether the client did not finish on its own and was stopped.</summary>
    public bool TimedOut { get; }

    /// <summary>A client that failed with a message.</summary>
    /// <param name="message">What it said (an exception's message, a command's output).</param>
    /// <returns>The report.</returns>
    public static AuditClientReport Failure(string? message) => new(succeeded: false, message, timedOut: false);

    /// <summary>A report from a client call: null means it returned normally (logged in).</summary>
    /// <param name="error">The exception the client's connect call threw, or null.</param>
    /// <returns>The report.</returns>
    public static AuditClientReport FromException(Exception? error) =>
        error is null ? Success : new(succeeded: false, Describe(error), timedOut: error is TimeoutException);

    /// <summary>A report from a client command: exit code 0 is a login; the output is kept as the message.</summary>
    /// <param name="exitCode">The command's exit code.</param>
    /// <param name="output">What it printed (standard output and error).</param>
    /// <param name="killed">Whether it was still running at the deadline and was killed.</param>
    /// <returns>The report.</returns>
    public static AuditClientReport FromProcess(int exitCode, string? output, bool killed) =>
        new(succeeded: !killed && exitCode == 0, output, killed);

    /// <inheritdoc />
    public override string ToString() => Succeeded ? "client: logged in" : TimedOut ? "client: stopped at the deadline" : "client: failed";

    private static string Describe(Exception error)
    {
        // The outermost message and the innermost cause: drivers wrap the interesting part.
        var inner = error;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return ReferenceEquals(inner, error) ? $"{error.GetType().Name}: {error.Message}" : $"{error.GetType().Name}: {error.Message} ({inner.GetType().Name}: {inner.Message})";
    }
}
