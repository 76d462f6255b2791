namespace Handshake.Audit.Internal;

/// <summary>What a scenario's server saw the client do; the verdict rules read it. Written by one session task only.</summary>
internal sealed class SessionFacts
{
    private const int MaxEvents = 256;
    private readonly List<string> _events = [];

    public IReadOnlyList<string> Events => _events;

    public AuditConnectionEnd End { get; set; } = AuditConnectionEnd.ClientClosed;

    /// <summary>Gets or sets a value indicating whether the client came in over TLS.</summary>
    public bool UsedTls { get; set; }

    /// <summary>Gets or sets a value indicating whether the scenario needed TLS and the client did not ask for it.</summary>
    public bool TlsMissing { get; set; }

    /// <summary>Gets or sets the SASL mechanism the client chose.</summary>
    public string? Mechanism { get; set; }

    /// <summary>Gets or sets the GS2 channel-binding flag of the client-first message: 'n', 'y' or 'p'.</summary>
    public char? Gs2Flag { get; set; }

    /// <summary>Gets or sets a value indicating whether the client sent its SCRAM client-final message (it accepted the server-first).</summary>
    public bool SentClientFinal { get; set; }

    /// <summary>Gets or sets a value indicating whether the server sent its final OK.</summary>
    public bool ServerSentOk { get; set; }

    /// <summary>Gets or sets a value indicating whether the client answered a request for a plugin it cannot know.</summary>
    public bool AnsweredUnknownPlugin { get; set; }

    /// <summary>Gets or sets a value indicating whether the client sent the password in clear text over an unencrypted connection.</summary>
    public bool SentClearPassword { get; set; }

    /// <summary>Gets or sets a value indicating whether the client sent an OAUTHBEARER initial response carrying a bearer token (a non-empty auth=Bearer value).</summary>
    public bool SentBearerToken { get; set; }

    /// <summary>Gets or sets a value indicating whether the server got as far as sending its OAUTHBEARER error response (the client had sent its initial response).</summary>
    public bool SentOAuthBearerError { get; set; }

    /// <summary>Gets or sets how many auth-switch requests the client answered.</summary>
    public int SwitchesAnswered { get; set; }

    /// <summary>Gets or sets how many dialog questions the client answered.</summary>
    public int DialogQuestionsAnswered { get; set; }

    /// <summary>Gets or sets the time from the hostile message to the end of the connection, for rules that ask for a prompt refusal.</summary>
    public TimeSpan? TimeAfterHostileMessage { get; set; }

    /// <summary>Gets or sets when the hostile message went out (session clock).</summary>
    public TimeSpan? HostileMessageSentAt { get; set; }

    public void Add(string text)
    {
        if (_events.Count < MaxEvents)
        {
            _events.Add(text);
        }
    }
}
