namespace Handshake;

/// <summary>
/// One server-to-client step of an authentication conversation, independent of the wire protocol.
/// A driver translates its packets into these; the acceptor produces them.
/// </summary>
public readonly record struct AuthEvent
{
    private AuthEvent(AuthEventKind kind, string? pluginName, ReadOnlyMemory<byte> data)
    {
        Kind = kind;
        PluginName = pluginName;
        Data = data;
    }

    /// <summary>Gets what kind of step this is.</summary>
    public AuthEventKind Kind { get; }

    /// <summary>Gets the plugin named by <see cref="AuthEventKind.Begin"/>, <see cref="AuthEventKind.Switch"/> or <see cref="AuthEventKind.NextFactor"/>.</summary>
    public string? PluginName { get; }

    /// <summary>Gets the step's data (the new plugin's initial data; continuation data; final data).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets, for <see cref="AuthEventKind.NextFactor"/>, the final data of the factor that just passed (its mutual-auth proof), possibly empty.</summary>
    public ReadOnlyMemory<byte> AcceptedData { get; private init; }

    /// <summary>Gets the offered mechanisms, for <see cref="AuthEventKind.Offer"/>.</summary>
    public IReadOnlyList<string>? Mechanisms { get; private init; }

    /// <summary>Gets, for <see cref="AuthEventKind.NextFactor"/>, the factor index the server announced, or 0 when the protocol leaves it implicit.</summary>
    public int FactorIndex { get; private init; }

    /// <summary>Gets, for <see cref="AuthEventKind.Failed"/>, the server's error code (SQLSTATE, error number), if any.</summary>
    public string? ErrorCode { get; private init; }

    /// <summary>Gets, for <see cref="AuthEventKind.Failed"/>, the server's message, if any.</summary>
    public string? Message { get; private init; }

    /// <summary>The server names the first plugin and its initial data.</summary>
    /// <param name="pluginName">The plugin.</param>
    /// <param name="data">Its initial data (may be empty).</param>
    /// <returns>The event.</returns>
    public static AuthEvent Begin(string pluginName, ReadOnlyMemory<byte> data = default) => new(AuthEventKind.Begin, pluginName, data);

    /// <summary>The server offers mechanisms (in its order of preference).</summary>
    /// <param name="mechanisms">The mechanisms.</param>
    /// <returns>The event.</returns>
    public static AuthEvent Offer(IReadOnlyList<string> mechanisms) => new(AuthEventKind.Offer, null, default) { Mechanisms = mechanisms };

    /// <summary>The server switches the current factor to another plugin.</summary>
    /// <param name="pluginName">The new plugin.</param>
    /// <param name="data">Its initial data.</param>
    /// <returns>The event.</returns>
    public static AuthEvent Switch(string pluginName, ReadOnlyMemory<byte> data = default) => new(AuthEventKind.Switch, pluginName, data);

    /// <summary>More data for the current exchange.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The event.</returns>
    public static AuthEvent Continue(ReadOnlyMemory<byte> data) => new(AuthEventKind.Continue, null, data);

    /// <summary>The current factor passed; the next one starts with <paramref name="pluginName"/>.</summary>
    /// <param name="pluginName">The next factor's plugin.</param>
    /// <param name="data">Its initial data.</param>
    /// <param name="factorIndex">The index of the factor now starting, when the protocol states it; 0 when implicit.</param>
    /// <param name="acceptedData">The final data of the factor that passed (its mutual-auth proof), if any.</param>
    /// <returns>The event.</returns>
    public static AuthEvent NextFactor(string pluginName, ReadOnlyMemory<byte> data = default, int factorIndex = 0, ReadOnlyMemory<byte> acceptedData = default) =>
        new(AuthEventKind.NextFactor, pluginName, data) { FactorIndex = factorIndex, AcceptedData = acceptedData };

    /// <summary>Authentication succeeded.</summary>
    /// <param name="finalData">Final data (e.g. SCRAM's server-final message), possibly empty.</param>
    /// <returns>The event.</returns>
    public static AuthEvent Succeeded(ReadOnlyMemory<byte> finalData = default) => new(AuthEventKind.Succeeded, null, finalData);

    /// <summary>The server refused authentication.</summary>
    /// <param name="errorCode">The server's code, if any.</param>
    /// <param name="message">The server's message, if any.</param>
    /// <returns>The event.</returns>
    public static AuthEvent Failed(string? errorCode, string? message) => new(AuthEventKind.Failed, null, default) { ErrorCode = errorCode, Message = message };

    /// <summary>Describes the event without its payload.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => Kind switch
    {
        AuthEventKind.Offer => $"Offer({string.Join(", ", Mechanisms ?? [])})",
        AuthEventKind.Failed => $"Failed({ErrorCode}: {Message})",
        AuthEventKind.Continue or AuthEventKind.Succeeded => $"{Kind}({Data.Length} bytes)",
        _ => $"{Kind}({PluginName}, {Data.Length} bytes)",
    };
}
