using System.Collections.Frozen;

namespace Handshake.Internal;

/// <summary>Client plugins by name (ordinal), resolved once from DI. A duplicate name is a start-up error.</summary>
internal sealed class AuthPluginRegistry
{
    private readonly FrozenDictionary<string, IAuthPlugin> _plugins;
    private readonly LegacyAuthSwitchPlugin? _legacy;

    public AuthPluginRegistry(IEnumerable<IAuthPlugin> plugins, IEnumerable<LegacyAuthSwitchPlugin> legacy)
    {
        _plugins = NamedRegistry.Build(plugins, p => p.Name, "plugin", "AddPlugin");
        _legacy = legacy.LastOrDefault();
        Names = [.. _plugins.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> Names { get; }

    public bool TryGet(string name, out IAuthPlugin plugin)
    {
        if (_plugins.TryGetValue(name, out plugin!))
        {
            return true;
        }

        // mysql2's deprecated authSwitchHandler answers for any plugin it is asked about; here it
        // serves only names no plugin claims, so a registered plugin is never shadowed.
        if (_legacy is not null)
        {
            plugin = _legacy.For(name);
            return true;
        }

        return false;
    }
}
