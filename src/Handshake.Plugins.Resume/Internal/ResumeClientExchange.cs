namespace Handshake.Plugins.Resume.Internal;

/// <summary>
/// One resume attempt, client side: sends the cached token once; on acceptance caches the rotated
/// token from the final data; when refused (the server switches to the full chain) or cut off,
/// drops the token, which is single-use either way.
/// </summary>
internal sealed class ResumeClientExchange(IResumeTokenCache cache, string serverIdentity, string userName, ResumeToken token, string pluginName, int factorIndex) : IAuthExchange
{
    private bool _sent;
    private bool _accepted;

    public ValueTask<AuthReply> RespondAsync(ReadOnlyMemory<byte> serverData, CancellationToken cancellationToken)
    {
        if (_sent)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The server asked for more after the resume token; resumption takes one message.", pluginName, factorIndex);
        }

        _sent = true;
        return ValueTask.FromResult(AuthReply.Send(token.Value));
    }

    public void OnServerAccepted(ReadOnlyMemory<byte> finalData)
    {
        if (!_sent)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The server accepted resumption before the client presented a token.", pluginName, factorIndex);
        }

        if (finalData.Length != ResumeToken.Length)
        {
            throw new HandshakeException(AuthErrorCode.ProtocolViolation, $"The server accepted resumption without the next token ({finalData.Length} bytes of final data, expected {ResumeToken.Length}).", pluginName, factorIndex);
        }

        using var next = new ResumeToken(finalData.Span);
        cache.Store(serverIdentity, userName, next);
        _accepted = true;
    }

    public void Dispose()
    {
        if (_sent && !_accepted)
        {
            cache.Remove(serverIdentity, userName, token);
        }

        token.Dispose();
    }
}
