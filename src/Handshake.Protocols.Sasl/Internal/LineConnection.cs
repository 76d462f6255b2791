using System.Text;

namespace Handshake.Protocols.Sasl.Internal;

/// <summary>
/// CRLF-terminated lines over a stream, bounded: a line longer than the limit is a protocol violation,
/// never a growing buffer. The stream can be swapped for its TLS wrapper after STARTTLS.
/// </summary>
internal sealed class LineConnection(Stream stream, int maxLineLength)
{
    private readonly byte[] _buffer = new byte[maxLineLength + 2];
    private int _start;
    private int _end;

    public Stream Stream { get; private set; } = stream;

    public int MaxLineLength => maxLineLength;

    /// <summary>Gets what the transport guarantees now (plain until a TLS handshake completed).</summary>
    public TransportSecurity Security { get; private set; } = TransportSecurity.None;

    /// <summary>Runs the client's TLS handshake on this connection and switches to it.</summary>
    public async ValueTask<TransportSecurity> StartTlsAsClientAsync(SaslClientOptions options, CancellationToken cancellationToken)
    {
        EnsureNothingBuffered();
        var (tls, security) = await AdapterTls.AuthenticateAsClientAsync(Stream, options, cancellationToken).ConfigureAwait(false);
        Stream = tls;
        Security = security;
        return security;
    }

    /// <summary>Runs the server's TLS handshake on this connection and switches to it.</summary>
    public async ValueTask<TransportSecurity> StartTlsAsServerAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        EnsureNothingBuffered();
        var (tls, security) = await AdapterTls.AuthenticateAsServerAsync(Stream, certificate, cancellationToken).ConfigureAwait(false);
        Stream = tls;
        Security = security;
        return security;
    }

    /// <summary>
    /// Before a TLS switch: bytes read but not yet used would be plaintext injected ahead of TLS (the
    /// STARTTLS command-injection flaw, CVE-2011-0411), so they are refused.
    /// </summary>
    private void EnsureNothingBuffered()
    {
        if (_end > _start)
        {
            throw SaslErrors.Violation("The peer sent data after STARTTLS before the TLS handshake (possible command injection); the connection is closed.");
        }

        _start = _end = 0;
    }

    /// <summary>Hands the connection over after the login: a stream that first yields what this reader had already buffered (disposing it leaves the connection open).</summary>
    public PrefixedStream DetachForSession()
    {
        var pending = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end = 0;
        return new PrefixedStream(pending, Stream);
    }

    /// <summary>Whether bytes are waiting that the peer sent before it was answered (pipelining where none is allowed).</summary>
    public bool HasBufferedData => _end > _start;

    public async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = pending[..newline];
                if (!line.IsEmpty && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                if (line.Length > maxLineLength)
                {
                    throw TooLong();
                }

                var text = Encoding.UTF8.GetString(line);
                _start += newline + 1;
                return text;
            }

            if (_start > 0)
            {
                pending.CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw TooLong();
            }

            var read = await Stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new HandshakeException(AuthErrorCode.TransportFailure, "The peer closed the connection.");
            }

            _end += read;
        }
    }

    public async ValueTask WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
        await Stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="prefix"/>, then <paramref name="data"/> in base64, then CRLF, wiping the encoded copy (the data may hold a password).</summary>
    public async ValueTask WritePayloadLineAsync(string prefix, ReadOnlyMemory<byte> data, bool initialResponse, CancellationToken cancellationToken)
    {
        var prefixLength = Encoding.ASCII.GetByteCount(prefix);
        var encodedLength = data.IsEmpty ? (initialResponse ? 1 : 0) : ((data.Length + 2) / 3 * 4);
        var line = System.Buffers.ArrayPool<byte>.Shared.Rent(prefixLength + encodedLength + 2);
        try
        {
            var written = Encoding.ASCII.GetBytes(prefix, line);
            if (data.IsEmpty)
            {
                if (initialResponse)
                {
                    line[written++] = (byte)'=';
                }
            }
            else
            {
                _ = System.Buffers.Text.Base64.EncodeToUtf8(data.Span, line.AsSpan(written), out _, out var encoded);
                written += encoded;
            }

            line[written++] = (byte)'\r';
            line[written++] = (byte)'\n';
            await Stream.WriteAsync(line.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
            await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(line);
            System.Buffers.ArrayPool<byte>.Shared.Return(line);
        }
    }

    private HandshakeException TooLong() =>
        SaslErrors.Violation($"The peer sent a line longer than {maxLineLength} octets (the limit); the connection is closed.");
}
