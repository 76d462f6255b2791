namespace Handshake.Fuzz.Targets;

/// <summary>Fuzzes what a verifier parses: the client's messages, one replaced per input.</summary>
internal sealed class VerifierReplayTarget : FuzzTarget
{
    private readonly Conversation _conversation;
    private readonly List<byte[]> _clientMessages;

    public VerifierReplayTarget(string name, Conversation conversation)
    {
        Name = name;
        _conversation = conversation;
        _clientMessages = conversation.Record().ClientMessages;
        Seeds = [.. _clientMessages.Select((m, i) => new FuzzInput(i, m))];
    }

    public override string Name { get; }

    public override IReadOnlyList<FuzzInput> Seeds { get; }

    /// <summary>caching_sha2's cleartext password is a NUL-terminated string (MySQL protocol): bytes after the NUL are not part of it.</summary>
    private ReadOnlySpan<byte> Canonical(byte[] data)
    {
        if (_conversation.FinalCredential is { } credential)
        {
            return credential(data);
        }

        var nul = Array.IndexOf(data, (byte)0);
        return _conversation.NulTerminatedFinal && nul >= 0 ? data.AsSpan(0, nul) : data;
    }

    public override void Run(FuzzInput input)
    {
        using var exchange = _conversation.Verifier().Start(_conversation.VerifierContext(_conversation.Stored));
        _ = Wait(exchange.BeginAsync(CancellationToken.None));
        for (var i = 0; i < _clientMessages.Count; i++)
        {
            var data = i == input.Step ? input.Data : _clientMessages[i];
            var step = Wait(exchange.ProcessAsync(data, CancellationToken.None));
            if (step.Kind == VerifierStepKind.Accept && i == _clientMessages.Count - 1 && input.Step == i && !Canonical(data).SequenceEqual(Canonical(_clientMessages[i])))
            {
                throw new FuzzFindingException("the verifier accepted a mutated final client message");
            }

            if (step.Kind != VerifierStepKind.Continue)
            {
                return;
            }
        }
    }
}
