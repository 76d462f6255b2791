namespace Handshake.Audit.Internal;

/// <summary>What the MySQL scenario server does after the client's HandshakeResponse.</summary>
internal enum MySqlMode
{
    Honest = 0,
    ClearPassword = 1,
    UnknownPlugin = 2,
    NextFactorUnknown = 3,
    SwitchLoop = 4,
    HugeLength = 5,
    StallAfterGreeting = 6,
    ErrorControlCharacters = 7,
    DialogPassword = 8,
    DialogUnprompted = 9,
    DialogPromptLoop = 10,
    DialogOversizedPrompt = 11,
}

/// <summary>How one MySQL scenario bends the honest mysql_native_password exchange.</summary>
internal sealed record MySqlPlan
{
    public MySqlMode Mode { get; init; }

    /// <summary>Gets a value indicating whether the greeting offers CLIENT_SSL and the client must take it.</summary>
    public bool Tls { get; init; }

    public string? ErrorMessage { get; init; }

    public int SwitchBound { get; init; } = 16;

    /// <summary>Gets how many dialog questions the prompt-loop server asks before it gives up.</summary>
    public int PromptBound { get; init; } = 64;

    /// <summary>Gets the length of the oversized dialog question's text, in bytes.</summary>
    public int PromptLength { get; init; } = 1024 * 1024;
}
