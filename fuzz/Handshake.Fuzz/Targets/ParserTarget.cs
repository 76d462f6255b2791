using System.Text;

namespace Handshake.Fuzz.Targets;

/// <summary>A pure parser: text in, a value or its documented exception out.</summary>
internal sealed class ParserTarget(string name, IReadOnlyList<string> seeds, Action<byte[]> parse, Func<Exception, bool> expected, long allocationPerByte = 16) : FuzzTarget
{
    public override long AllocationPerInputByte => allocationPerByte;

    public override string Name => name;

    public override IReadOnlyList<FuzzInput> Seeds { get; } = [.. seeds.Select(s => new FuzzInput(0, Encoding.UTF8.GetBytes(s)))];

    public override bool IsExpected(Exception exception) => expected(exception);

    public override void Run(FuzzInput input) => parse(input.Data);
}

/// <summary>Fuzzes a stored credential by starting a verifier with it and replaying an honest client.</summary>
internal sealed class StoredCredentialTarget : FuzzTarget
{
    private readonly Conversation _conversation;
    private readonly List<byte[]> _clientMessages;

    public StoredCredentialTarget(string name, Conversation conversation, IEnumerable<string> seeds)
    {
        Name = name;
        _conversation = conversation;
        _clientMessages = conversation.Record().ClientMessages;
        Seeds = [.. seeds.Select(s => new FuzzInput(0, Encoding.UTF8.GetBytes(s)))];
    }

    public override string Name { get; }

    public override IReadOnlyList<FuzzInput> Seeds { get; }

    public override void Run(FuzzInput input)
    {
        var stored = StoredCredential.FromString(Encoding.UTF8.GetString(input.Data));
        using var exchange = _conversation.Verifier().Start(_conversation.VerifierContext(stored));
        _ = Wait(exchange.BeginAsync(CancellationToken.None));
        foreach (var message in _clientMessages)
        {
            if (Wait(exchange.ProcessAsync(message, CancellationToken.None)).Kind != VerifierStepKind.Continue)
            {
                return;
            }
        }
    }
}

/// <summary>Fuzzes the client's own secret text (TOTP: base32 or an otpauth URI) against an honest server.</summary>
internal sealed class ClientSecretTarget : FuzzTarget
{
    private readonly Conversation _conversation;
    private readonly List<byte[]> _serverMessages;

    public ClientSecretTarget(string name, Conversation conversation, IEnumerable<string> seeds)
    {
        Name = name;
        _conversation = conversation;
        _serverMessages = conversation.Record().ServerMessages;
        Seeds = [.. seeds.Select(s => new FuzzInput(0, Encoding.UTF8.GetBytes(s)))];
    }

    public override string Name { get; }

    public override IReadOnlyList<FuzzInput> Seeds { get; }

    public override void Run(FuzzInput input)
    {
        // Invalid UTF-8 cannot be a text secret: it is handed over as a binary one (the raw key).
        var secret = System.Text.Unicode.Utf8.IsValid(input.Data) ? AuthSecret.FromUtf8(input.Data) : AuthSecret.FromBytes(input.Data);
        using var credentials = new AuthCredentials(Conversation.User, secret);
        using var exchange = _conversation.Plugin.Start(_conversation.ClientContext(credentials));
        for (var i = 0; i < _serverMessages.Count - 1; i++)
        {
            _ = Wait(exchange.RespondAsync(_serverMessages[i], CancellationToken.None));
        }
    }
}
