namespace Handshake.Audit.Internal;

/// <summary>The client closed the connection while the server was reading; unwinds a scenario's script.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1064:Exceptions should be public", Justification = "Control flow inside a session only: caught in AuditSession and never escapes the package.")]
internal sealed class ClientClosedException : Exception
{
    public ClientClosedException()
        : base("The client closed the connection.")
    {
    }

    public ClientClosedException(string message)
        : base(message)
    {
    }

    public ClientClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
