namespace Handshake.Audit.Internal;

/// <summary>The client sent something the scenario's server cannot read (malformed or oversized); the server hangs up.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1064:Exceptions should be public", Justification = "Control flow inside a session only: caught in AuditSession and never escapes the package.")]
internal sealed class ClientProtocolException : Exception
{
    public ClientProtocolException()
        : base("The client broke the protocol.")
    {
    }

    public ClientProtocolException(string message)
        : base(message)
    {
    }

    public ClientProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
