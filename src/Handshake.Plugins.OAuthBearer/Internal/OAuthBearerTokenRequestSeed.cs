namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>The parts of a token request the exchange knows; the cache adds the previous error.</summary>
internal readonly record struct OAuthBearerTokenRequestSeed(string UserName, int FactorIndex, string? Host, int? Port);
