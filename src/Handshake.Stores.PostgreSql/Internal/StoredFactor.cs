using System.Text.Json.Serialization;

namespace Handshake.Stores.PostgreSql.Internal;

/// <summary>One factor as the users table keeps it. Holds a stored credential: never logged.</summary>
internal sealed record StoredFactor(
    [property: JsonPropertyName("plugin")] string Plugin,
    [property: JsonPropertyName("stored")] string Stored)
{
    public override string ToString() => $"StoredFactor({Plugin}, redacted)";
}

/// <summary>Source-generated JSON for <see cref="StoredFactor"/> arrays.</summary>
[JsonSerializable(typeof(StoredFactor[]))]
internal sealed partial class StoredFactorContext : JsonSerializerContext;
