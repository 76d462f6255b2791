namespace Handshake;

/// <summary>
/// What is registered in a container, resolvable from it: the client plugins, the server verifiers
/// and the stored-credential formats. Tools ask it instead of keeping their own lists of mechanisms
/// (a users file loader, a fuzzer, a secret-hygiene matrix, a transcript redactor).
/// </summary>
public interface IHandshakeCatalog
{
    /// <summary>Gets the registered client plugins' names, ordinal order.</summary>
    IReadOnlyList<string> PluginNames { get; }

    /// <summary>Gets the registered server verifiers, by name in ordinal order (created on first use).</summary>
    IReadOnlyList<IAuthVerifier> Verifiers { get; }

    /// <summary>Gets the registered stored-credential formats, by verifier name in ordinal order.</summary>
    IReadOnlyList<IStoredCredentialFormat> CredentialFormats { get; }

    /// <summary>Finds the stored-credential format of a verifier.</summary>
    /// <param name="verifierName">The verifier's name (ordinal).</param>
    /// <returns>The format, or null when the verifier registered none.</returns>
    IStoredCredentialFormat? FindCredentialFormat(string verifierName);

    /// <summary>Gets the names that registered an <see cref="IPayloadRedactor"/>, ordinal order.</summary>
    IReadOnlyList<string> RedactedPluginNames { get; }

    /// <summary>Finds how a plugin's messages are redacted (what its package registered with <c>AddPayloadRedactor</c>).</summary>
    /// <param name="pluginName">The plugin or verifier name (ordinal).</param>
    /// <returns>The redactor, or null when none is registered: show the plugin's payloads by length only.</returns>
    IPayloadRedactor? FindPayloadRedactor(string pluginName);
}
