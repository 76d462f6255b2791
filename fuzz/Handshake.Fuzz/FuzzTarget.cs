namespace Handshake.Fuzz;

/// <summary>
/// One parser under fuzz. <see cref="Run"/> returns normally when the input ended in success or in the
/// parser's documented failure, and lets anything else escape: the runner reports that as a finding.
/// </summary>
internal abstract class FuzzTarget
{
    public abstract string Name { get; }

    /// <summary>Valid inputs (published transcripts, real handshakes recorded once) that mutations start from.</summary>
    public abstract IReadOnlyList<FuzzInput> Seeds { get; }

    /// <summary>Feeds one input. Throws <see cref="FuzzFindingException"/> for an outcome that is wrong without an exception.</summary>
    public abstract void Run(FuzzInput input);

    /// <summary>Allowed allocation per input byte on top of 1 MiB (16 by default).</summary>
    public virtual long AllocationPerInputByte => 16;

    /// <summary>Whether <paramref name="exception"/> is a documented failure of this parser.</summary>
    public virtual bool IsExpected(Exception exception) =>
        exception is HandshakeException { Code: not AuthErrorCode.PluginFailure and not AuthErrorCode.Unspecified };

    protected static void Wait(ValueTask task) => task.AsTask().GetAwaiter().GetResult();

    protected static T Wait<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();
}

/// <summary>A wrong outcome that raised no exception (e.g. an accepted forgery).</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException()
    {
    }

    public FuzzFindingException(string message)
        : base(message)
    {
    }

    public FuzzFindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
