using Handshake.Protocols.MySql.Internal;

namespace Handshake.Protocols.MySql.Tests;

public sealed class MySqlPacketChannelTests
{
    private const int MaxChunk = 0xFFFFFF;

    [Fact]
    public async Task WriteAsync_SmallPayloads_HeaderHasLengthAndCountingSequenceIds()
    {
        using var stream = new MemoryStream();
        var channel = new MySqlPacketChannel(stream, 1024);

        await channel.WriteAsync(new byte[] { 1, 2, 3 }, CancellationToken.None);
        await channel.WriteAsync(new byte[] { 4 }, CancellationToken.None);

        Assert.Equal(new byte[] { 3, 0, 0, 0, 1, 2, 3, 1, 0, 0, 1, 4 }, stream.ToArray());
        Assert.Equal(2, channel.Sequence);
    }

    [Fact]
    public async Task WriteAsync_PayloadOfExactlyMaxChunk_EndsWithEmptyPacket()
    {
        using var stream = new MemoryStream();
        var channel = new MySqlPacketChannel(stream, 32 * 1024 * 1024);

        await channel.WriteAsync(new byte[MaxChunk], CancellationToken.None);

        var bytes = stream.ToArray();
        Assert.Equal(4 + MaxChunk + 4, bytes.Length);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0 }, bytes[..4]);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, bytes[^4..]);
    }

    [Fact]
    public async Task WriteAsync_PayloadAboveMaxChunk_SplitsIntoFullAndRemainder()
    {
        using var stream = new MemoryStream();
        var channel = new MySqlPacketChannel(stream, 32 * 1024 * 1024);

        await channel.WriteAsync(new byte[MaxChunk + 10], CancellationToken.None);

        var bytes = stream.ToArray();
        Assert.Equal(4 + MaxChunk + 4 + 10, bytes.Length);
        Assert.Equal(new byte[] { 10, 0, 0, 1 }, bytes.AsSpan(4 + MaxChunk, 4).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MaxChunk - 1)]
    [InlineData(MaxChunk)]
    [InlineData(MaxChunk + 10)]
    public async Task ReadAsync_WhatWriteAsyncWrote_SamePayload(int size)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        using var stream = new MemoryStream();
        await new MySqlPacketChannel(stream, 32 * 1024 * 1024).WriteAsync(payload, CancellationToken.None);
        stream.Position = 0;

        var reader = new MySqlPacketChannel(stream, 32 * 1024 * 1024);
        var read = await reader.ReadAsync(CancellationToken.None);

        Assert.True(payload.AsSpan().SequenceEqual(read));
        Assert.Equal(stream.Length, stream.Position);
        Assert.Equal(size >= MaxChunk ? 2 : 1, reader.Sequence);
    }

    [Fact]
    public async Task ReadAsync_WrongSequenceId_ProtocolViolation()
    {
        using var stream = new MemoryStream([1, 0, 0, 5, 0xAA]);
        var channel = new MySqlPacketChannel(stream, 1024);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => channel.ReadAsync(CancellationToken.None).AsTask());

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Fact]
    public async Task ReadAsync_LengthAboveLimit_ProtocolViolationBeforeReadingTheBody()
    {
        // Only the header is there: a reader that allocated and read the body would fail with TransportFailure instead.
        using var stream = new MemoryStream([0xFF, 0xFF, 0xFF, 0]);
        var channel = new MySqlPacketChannel(stream, 1024);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => channel.ReadAsync(CancellationToken.None).AsTask());

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
        Assert.Equal(4, stream.Position);
    }

    [Fact]
    public async Task ReadAsync_SplitChunksTogetherAboveLimit_ProtocolViolation()
    {
        using var stream = new MemoryStream();
        await new MySqlPacketChannel(stream, 32 * 1024 * 1024).WriteAsync(new byte[MaxChunk + 10], CancellationToken.None);
        stream.Position = 0;
        var channel = new MySqlPacketChannel(stream, MaxChunk + 5);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => channel.ReadAsync(CancellationToken.None).AsTask());

        Assert.Equal(AuthErrorCode.ProtocolViolation, ex.Code);
    }

    [Theory]
    [InlineData(new byte[] { 5, 0 })]
    [InlineData(new byte[] { 5, 0, 0, 0, 1, 2 })]
    public async Task ReadAsync_TruncatedPacket_TransportFailure(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var channel = new MySqlPacketChannel(stream, 1024);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => channel.ReadAsync(CancellationToken.None).AsTask());

        Assert.Equal(AuthErrorCode.TransportFailure, ex.Code);
    }

    [Fact]
    public async Task TryReadAsync_CleanEndOfStream_Null()
    {
        using var stream = new MemoryStream();
        Assert.Null(await new MySqlPacketChannel(stream, 1024).TryReadAsync(CancellationToken.None));
    }
}
