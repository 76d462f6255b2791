namespace Handshake;

/// <summary>The negotiator's answer to an event. Failures are thrown as <see cref="HandshakeException"/>.</summary>
public readonly record struct AuthAction
{
    private AuthAction(AuthActionKind kind, string? pluginName, ReadOnlyMemory<byte> data, AuthResult? result)
    {
        Kind = kind;
        PluginName = pluginName;
        Data = data;
        Result = result;
    }

    /// <summary>Gets an action that sends nothing.</summary>
    public static AuthAction Wait => default;

    /// <summary>Gets what to do.</summary>
    public AuthActionKind Kind { get; }

    /// <summary>Gets the plugin or mechanism that produced <see cref="Data"/> (a driver puts it in SASLInitialResponse or HandshakeResponse41).</summary>
    public string? PluginName { get; }

    /// <summary>Gets the bytes to send, valid until the negotiator is called again. Never printed.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets the result, for <see cref="AuthActionKind.Completed"/>.</summary>
    public AuthResult? Result { get; }

    /// <summary>Creates a send action.</summary>
    /// <param name="pluginName">The plugin that produced the data.</param>
    /// <param name="data">The bytes.</param>
    /// <returns>The action.</returns>
    public static AuthAction Send(string pluginName, ReadOnlyMemory<byte> data) => new(AuthActionKind.Send, pluginName, data, null);

    /// <summary>Creates a completion action.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The action.</returns>
    public static AuthAction Completed(AuthResult result) => new(AuthActionKind.Completed, null, default, result);

    /// <summary>Describes the action without its payload.</summary>
    /// <returns>A redacted description.</returns>
    public override string ToString() => Kind switch
    {
        AuthActionKind.Send => $"Send({PluginName}, {Data.Length} bytes)",
        AuthActionKind.Completed => $"Completed({Result})",
        _ => "Wait",
    };
}
