namespace Handshake.Fuzz.Targets;

/// <summary>Fuzzes what a client plugin parses: the server's messages, one replaced per input, then its final data.</summary>
internal sealed class ClientReplayTarget : FuzzTarget
{
    private readonly Conversation _conversation;
    private readonly List<byte[]> _serverMessages;

    public ClientReplayTarget(string name, Conversation conversation)
    {
        Name = name;
        _conversation = conversation;
        _serverMessages = conversation.Record().ServerMessages;
        Seeds = [.. _serverMessages.Select((m, i) => new FuzzInput(i, m))];
    }

    public override string Name { get; }

    public override IReadOnlyList<FuzzInput> Seeds { get; }

    public override void Run(FuzzInput input)
    {
        using var credentials = _conversation.Credentials();
        using var exchange = _conversation.Plugin.Start(_conversation.ClientContext(credentials));
        var last = _serverMessages.Count - 1;
        for (var i = 0; i <= last; i++)
        {
            var data = i == input.Step ? input.Data : _serverMessages[i];
            if (i == last)
            {
                exchange.OnServerAccepted(data);
                if (_conversation.FinalIsProof && i == input.Step && !data.AsSpan().SequenceEqual(_serverMessages[i]))
                {
                    throw new FuzzFindingException("the client accepted a final message that is not the server's proof");
                }

                return;
            }

            _ = Wait(exchange.RespondAsync(data, CancellationToken.None));
        }
    }
}
