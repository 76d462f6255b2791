using System.Collections.Frozen;

namespace Handshake.Internal;

internal static class NamedRegistry
{
    public static FrozenDictionary<string, T> Build<T>(IEnumerable<T> items, Func<T, string> nameOf, string kind, string method)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var name = nameOf(item);
            if (string.IsNullOrEmpty(name))
            {
                throw new InvalidOperationException($"A {kind} of type {item!.GetType().FullName} has an empty name.");
            }

            if (!map.TryAdd(name, item))
            {
                throw new InvalidOperationException(
                    $"Two {kind}s are registered under the name '{name}' ({map[name]!.GetType().FullName} and {item!.GetType().FullName}). Names are compared ordinally and must be unique: remove one of the {method} calls.");
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
