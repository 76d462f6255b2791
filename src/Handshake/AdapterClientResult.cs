namespace Handshake;

/// <summary>
/// What every protocol adapter's client entry point returns once the server accepted: the engine's result,
/// the stream to continue on and the transport facts. Protocol adapters derive from it and add what their
/// protocol announces at login (server version, parameters, capabilities), so code that only needs "who
/// logged in, how, over what" reads the same properties whatever the protocol.
/// </summary>
public abstract class AdapterClientResult
{
    /// <summary>Initializes the shared part of a client result.</summary>
    /// <param name="authentication">The negotiator's result.</param>
    /// <param name="stream">The stream the session continues on (the TLS stream after an upgrade).</param>
    /// <param name="transport">What the transport guaranteed during authentication.</param>
    protected AdapterClientResult(AuthResult authentication, Stream stream, TransportSecurity transport)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(transport);
        Authentication = authentication;
        Stream = stream;
        Transport = transport;
    }

    /// <summary>Gets the negotiator's result: factors passed, plugins, rounds.</summary>
    public AuthResult Authentication { get; }

    /// <summary>Gets the user who authenticated.</summary>
    public string UserName => Authentication.UserName;

    /// <summary>Gets the mechanism the first factor ran on the wire (e.g. SCRAM-SHA-256-PLUS), or null when none ran.</summary>
    public string? Mechanism => Authentication.Factors is [var first, ..] ? first.Mechanism : null;

    /// <summary>Gets every factor that passed, in order.</summary>
    public IReadOnlyList<AuthFactorOutcome> Factors => Authentication.Factors;

    /// <summary>Gets the stream to continue on: the TLS stream when TLS was negotiated, else the stream given. The caller owns it.</summary>
    public Stream Stream { get; }

    /// <summary>Gets what the transport guaranteed during authentication.</summary>
    public TransportSecurity Transport { get; }
}
