namespace Handshake.Audit.Internal;

/// <summary>Reading exact byte counts, with the client's end of stream turned into <see cref="ClientClosedException"/>.</summary>
internal static class WireIo
{
    public static async ValueTask ReadExactAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new ClientClosedException("The client closed the connection.", ex);
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClientClosedException("The connection broke: " + ex.Message, ex);
        }
    }

    public static async ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClientClosedException("The connection broke: " + ex.Message, ex);
        }
    }
}
