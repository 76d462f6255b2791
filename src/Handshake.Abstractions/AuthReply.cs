namespace Handshake;

/// <summary>What a client exchange answers to one round: bytes to send, or nothing (wait for the server).</summary>
public readonly record struct AuthReply
{
    private AuthReply(ReadOnlyMemory<byte> data, bool hasData)
    {
        Data = data;
        HasData = hasData;
    }

    /// <summary>Gets a reply that sends nothing: the exchange only consumed the server's data (e.g. a verified server-final message).</summary>
    public static AuthReply None => default;

    /// <summary>Gets the bytes to send. Valid until the exchange is called again.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets a value indicating whether there is something to send (possibly zero bytes: an empty token is a reply).</summary>
    public bool HasData { get; }

    /// <summary>Creates a reply that sends <paramref name="data"/>.</summary>
    /// <param name="data">The bytes; the caller keeps them valid until the next round.</param>
    /// <returns>The reply.</returns>
    public static AuthReply Send(ReadOnlyMemory<byte> data) => new(data, hasData: true);

    /// <summary>Never shows the payload, which may be secret.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => HasData ? $"AuthReply({Data.Length} bytes)" : "AuthReply(none)";
}
