namespace Handshake;

/// <summary>What the server said, as the negotiator sees it.</summary>
public enum AuthEventKind
{
    /// <summary>Not a valid event (the default value).</summary>
    None = 0,

    /// <summary>The server names the first plugin and sends its initial data (MySQL's handshake v10 scramble).</summary>
    Begin = 1,

    /// <summary>The server offers a list of mechanisms for the client to choose from (SASL, PostgreSQL's AuthenticationSASL).</summary>
    Offer = 2,

    /// <summary>The server switches the current factor to another plugin (MySQL's AuthSwitchRequest 0xFE).</summary>
    Switch = 3,

    /// <summary>More data for the current exchange (MySQL's AuthMoreData 0x01, SASLContinue).</summary>
    Continue = 4,

    /// <summary>The current factor passed; the server asks for the next one (MySQL's AuthNextFactor 0x02).</summary>
    NextFactor = 5,

    /// <summary>Authentication succeeded, possibly with final data (SASLFinal + OK).</summary>
    Succeeded = 6,

    /// <summary>The server refused authentication (ERR packet, ErrorResponse).</summary>
    Failed = 7,
}
