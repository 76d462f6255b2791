namespace Handshake.Internal;

/// <summary>The property bag plugins and verifiers see when the caller gave none (shared, read-only).</summary>
internal static class EmptyProperties
{
    public static IReadOnlyDictionary<string, object?> Instance { get; } = new Dictionary<string, object?>(StringComparer.Ordinal).AsReadOnly();
}
