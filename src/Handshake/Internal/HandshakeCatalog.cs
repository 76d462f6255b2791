using Microsoft.Extensions.DependencyInjection;

namespace Handshake.Internal;

/// <summary>The container's <see cref="IHandshakeCatalog"/>: read from the registrations, each list built on first use.</summary>
internal sealed class HandshakeCatalog(IServiceProvider services) : IHandshakeCatalog
{
    private readonly Lazy<IReadOnlyList<string>> _plugins = new(() => [.. services.GetServices<IAuthPlugin>().Select(p => p.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    private readonly Lazy<IReadOnlyList<IAuthVerifier>> _verifiers = new(() => [.. services.GetServices<IAuthVerifier>().DistinctBy(v => v.Name, StringComparer.Ordinal).OrderBy(v => v.Name, StringComparer.Ordinal)]);
    private readonly Lazy<IReadOnlyList<IStoredCredentialFormat>> _formats = new(() => [.. services.GetServices<IStoredCredentialFormat>().DistinctBy(f => f.VerifierName, StringComparer.Ordinal).OrderBy(f => f.VerifierName, StringComparer.Ordinal)]);

    private readonly Lazy<IReadOnlyDictionary<string, IPayloadRedactor>> _redactors = new(() => services.GetServices<PayloadRedactorRegistration>()
        .DistinctBy(r => r.PluginName, StringComparer.Ordinal)
        .ToDictionary(r => r.PluginName, r => r.Redactor, StringComparer.Ordinal));

    public IReadOnlyList<string> PluginNames => _plugins.Value;

    public IReadOnlyList<IAuthVerifier> Verifiers => _verifiers.Value;

    public IReadOnlyList<IStoredCredentialFormat> CredentialFormats => _formats.Value;

    public IStoredCredentialFormat? FindCredentialFormat(string verifierName)
    {
        ArgumentNullException.ThrowIfNull(verifierName);
        return CredentialFormats.FirstOrDefault(f => string.Equals(f.VerifierName, verifierName, StringComparison.Ordinal));
    }

    public IReadOnlyList<string> RedactedPluginNames => [.. _redactors.Value.Keys.Order(StringComparer.Ordinal)];

    public IPayloadRedactor? FindPayloadRedactor(string pluginName)
    {
        ArgumentNullException.ThrowIfNull(pluginName);
        return _redactors.Value.GetValueOrDefault(pluginName);
    }
}
