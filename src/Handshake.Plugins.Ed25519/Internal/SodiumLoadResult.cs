namespace Handshake.Plugins.Ed25519.Internal;

/// <summary>The outcome of loading libsodium: the library, or a message that says how to get one.</summary>
/// <param name="Library">The library, when it loaded.</param>
/// <param name="Failure">Why it could not be used, when it did not.</param>
internal sealed record SodiumLoadResult(Sodium? Library, string? Failure)
{
    /// <summary>Returns the library or throws the typed error.</summary>
    public Sodium Require(string? pluginName, int factorIndex) =>
        Library ?? throw new HandshakeException(AuthErrorCode.PluginFailure, Failure!, pluginName ?? Ed25519PluginNames.ClientEd25519, factorIndex);
}
